package dev.tenantwright.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP/1.1 server on a plain socket whose answers a test writes byte by byte, so that it can cut an event stream
 * off in the middle of a chunk as a dropped connection does — which a real server does not do on request. Each
 * connection serves one request; the socket is closed when the handler returns.
 */
final class ScriptedServer implements AutoCloseable {

  /** A request as received; header names in lower case. */
  record Request(String method, String path, Map<String, String> headers) {}

  /** Writes the whole answer, status line included. */
  interface Handler {
    void answer(Request request, OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket socket;
  private final Handler handler;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  ScriptedServer(Handler handler) throws IOException {
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.handler = handler;
    Thread acceptor = new Thread(this::accept, "scripted-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  List<Request> requests() {
    return requests;
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        Thread t = new Thread(() -> serve(s), "scripted-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      String[] line = in.readLine().split(" ");
      Map<String, String> headers = new HashMap<>();
      for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
        int colon = h.indexOf(':');
        headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      Request request = new Request(line[0], line[1], headers);
      requests.add(request);
      handler.answer(request, s.getOutputStream());
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the client went away, or the test is over
    }
  }

  /** The head of an event stream, chunked, and each event as one chunk; with {@code end}, the closing chunk. */
  static void events(OutputStream out, boolean end, String... events) throws IOException {
    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String e : events) {
      byte[] data = e.getBytes(StandardCharsets.UTF_8);
      out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(data);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    if (end) {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.flush();
  }

  /** One event of run {@code r1} as the server frames it: id, name, JSON data. */
  static String event(long id, String type, int percent) {
    return "id: " + id + "\nevent: " + type + "\ndata: {\"id\":" + id + ",\"type\":\"" + type + "\",\"tenant\":\"t\","
        + "\"environment\":\"demo\",\"run\":\"r1\",\"step\":null,\"stepIndex\":0,\"stepCount\":1,\"percent\":" + percent
        + ",\"message\":\"" + type.toLowerCase(Locale.ROOT) + "\",\"at\":\"2026-01-01T00:00:00Z\"}\n\n";
  }

  /** A JSON answer. */
  static void json(OutputStream out, int status, String body) throws IOException {
    byte[] data = body.getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + data.length
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(data);
    out.flush();
  }

  /** {@code 204 No Content}: the run is over and nothing follows the given id. */
  static void noContent(OutputStream out) throws IOException {
    out.write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Run {@code r1} in the given final state. */
  static String run(String state) {
    return "{\"object\":\"run\",\"id\":\"r1\",\"tenant\":\"t\",\"environment\":\"demo\",\"kind\":\"PROVISION\","
        + "\"state\":\"" + state + "\",\"finished\":true,\"percent\":100,\"error\":null,"
        + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"finishedAt\":\"2026-01-01T00:00:02Z\",\"steps\":[]}";
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
