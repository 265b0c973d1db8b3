package dev.tenantwright.examples.portal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request over a plain socket, for what the JDK's {@code HttpClient} will not send: another
 * {@code Host} header, or a request from another loopback address (127.0.0.2) as a second client.
 */
final class RawHttp {

  private RawHttp() {}

  /** An answer: status, headers (lower-case names, last value wins) and body. */
  record Response(int status, Map<String, String> headers, String body) {}

  /**
   * Sends {@code method path} to the portal at {@code portal} from {@code from} (null: any local address) with
   * the given headers ({@code Host} among them, or the portal's own when absent) and body, and reads the answer.
   */
  static Response send(URI portal, InetAddress from, String method, String path, Map<String, String> headers,
      String body) throws IOException {
    try (Socket socket = from == null ? new Socket(portal.getHost(), portal.getPort())
        : new Socket(InetAddress.getByName(portal.getHost()), portal.getPort(), from, 0)) {
      socket.setSoTimeout(30_000);
      byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
      Map<String, String> all = new LinkedHashMap<>();
      all.put("Host", portal.getHost() + ":" + portal.getPort());
      all.putAll(headers);
      all.put("Connection", "close");
      if (body != null) {
        all.put("Content-Length", String.valueOf(content.length));
      }
      all.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(content);
      out.flush();
      return read(socket.getInputStream());
    }
  }

  /** An event stream held open: its status, and the socket to close when done. */
  record Opened(int status, Socket socket) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Sends a GET from {@code from} and returns once the status line and headers are in, leaving the body unread. */
  static Opened open(URI portal, InetAddress from, String path, Map<String, String> headers) throws IOException {
    Socket socket = new Socket(InetAddress.getByName(portal.getHost()), portal.getPort(), from, 0);
    socket.setSoTimeout(30_000);
    StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(portal.getHost()).append(':').append(portal.getPort()).append("\r\n");
    headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    request.append("\r\n");
    socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
    }
    String statusLine = head.toString(StandardCharsets.ISO_8859_1).split("\r\n")[0];
    return new Opened(Integer.parseInt(statusLine.split(" ")[1]), socket);
  }

  private static Response read(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    String latin = new String(all, StandardCharsets.ISO_8859_1);
    int end = latin.indexOf("\r\n\r\n");
    String head = end < 0 ? latin : latin.substring(0, end);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
    }
    byte[] body = end < 0 ? new byte[0] : Arrays.copyOfRange(all, end + 4, all.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String latin = new String(chunked, StandardCharsets.ISO_8859_1);
    int at = 0;
    while (at < chunked.length) {
      int eol = latin.indexOf("\r\n", at);
      int size = Integer.parseInt(latin.substring(at, eol).strip(), 16);
      if (size == 0) {
        break;
      }
      out.write(chunked, eol + 2, size);
      at = eol + 2 + size + 2;
    }
    return out.toByteArray();
  }
}
