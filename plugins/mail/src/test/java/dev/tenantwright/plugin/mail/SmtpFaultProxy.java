package dev.tenantwright.plugin.mail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plain-SMTP relay in front of a real server (GreenMail) that answers one chosen command itself, once: a
 * {@code 451} to {@code RCPT}, a {@code 550} to {@code MAIL}, a {@code 451} to the end of data. Everything else
 * passes through unchanged. When it answers the end of data it drops the connection to the real server, which then
 * discards the transaction, and answers the client's remaining commands itself.
 */
final class SmtpFaultProxy implements AutoCloseable {

  /** What to answer, and to which command. */
  record Fault(String command, String reply) {}

  private final ServerSocket listener;
  private final int upstreamPort;
  private final AtomicReference<Fault> armed = new AtomicReference<>();

  SmtpFaultProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "smtp-fault-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Answers the next {@code command} ({@code MAIL}, {@code RCPT} or {@code .}) with {@code reply}, once. */
  void failNext(String command, String reply) {
    armed.set(new Fault(command.toUpperCase(Locale.ROOT), reply));
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        Thread down = new Thread(() -> copy(server, client), "smtp-fault-proxy-down");
        down.setDaemon(true);
        down.start();
        Thread up = new Thread(() -> relay(client, server), "smtp-fault-proxy-up");
        up.setDaemon(true);
        up.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** The server's answers to the client, unchanged, until either side closes. */
  private static void copy(Socket from, Socket to) {
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) >= 0; ) {
        synchronized (to) {
          out.write(buf, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // one side closed
    }
  }

  /** The client's lines to the server, but for the armed fault. */
  private void relay(Socket client, Socket server) {
    boolean data = false;
    boolean detached = false;
    try (client; server; InputStream in = client.getInputStream()) {
      OutputStream up = server.getOutputStream();
      OutputStream down = client.getOutputStream();
      for (String line; (line = readLine(in)) != null; ) {
        String command = line.strip().toUpperCase(Locale.ROOT);
        if (detached) {
          answer(client, down, command.startsWith("QUIT") ? "221 bye" : "250 OK");
          if (command.startsWith("QUIT")) {
            return;
          }
          continue;
        }
        Fault f = armed.get();
        boolean endOfData = data && command.equals(".");
        boolean matches = f != null && (f.command().equals(".") ? endOfData
            : !data && command.startsWith(f.command()));
        if (matches && armed.compareAndSet(f, null)) {
          answer(client, down, f.reply());
          if (endOfData) {
            detached = true;
            server.close();   // the real server never sees the end of data: it discards the message
          }
          data = false;
          continue;
        }
        up.write(line.getBytes(StandardCharsets.ISO_8859_1));
        up.flush();
        if (!data && command.equals("DATA")) {
          data = true;
        } else if (endOfData) {
          data = false;
        }
      }
    } catch (IOException e) {
      // one side closed
    }
  }

  private static void answer(Socket client, OutputStream down, String reply) throws IOException {
    synchronized (client) {
      down.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
      down.flush();
    }
  }

  /** One line including its CRLF, or null at the end of the stream. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    for (int b; (b = in.read()) >= 0; ) {
      line.write(b);
      if (b == '\n') {
        return line.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
