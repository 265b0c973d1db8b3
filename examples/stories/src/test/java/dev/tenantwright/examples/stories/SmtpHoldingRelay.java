package dev.tenantwright.examples.stories;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A plain-SMTP relay in front of a real server (the sandbox's GreenMail) that forwards both ways, line by line, but
 * holds back one moment of the first mail transaction: the server's answer to the end of data, the client's end of
 * data itself, or the server's go-ahead to {@code DATA}. From then on that connection forwards nothing more, until the
 * test {@link #drop() drops} it, which closes both sides: what an engine that died at that moment leaves behind.
 */
final class SmtpHoldingRelay implements AutoCloseable {

  /** What the relay holds back. */
  enum Hold {
    /** The server's {@code 250} to the end of data: the server has the message, the client does not know. */
    ACCEPTANCE,
    /** The client's end of data (the line {@code .}): the server never sees it and discards the message. */
    END_OF_DATA,
    /** The server's {@code 354} to {@code DATA}: the client never gets as far as writing the message. */
    DATA_GO_AHEAD
  }

  private final ServerSocket listener;
  private final int upstreamPort;
  private final Hold hold;
  private final AtomicBoolean armed = new AtomicBoolean(true);
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch dropped = new CountDownLatch(1);
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  SmtpHoldingRelay(int upstreamPort, Hold hold) throws IOException {
    this.upstreamPort = upstreamPort;
    this.hold = hold;
    this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "smtp-holding-relay");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Waits until the relay holds its moment back; false when it did not within {@code timeout}. */
  boolean awaitHeld(Duration timeout) throws InterruptedException {
    return held.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Closes every connection, both sides: the client sees its connection end, the server its client go. */
  void drop() {
    dropped.countDown();
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  /** One connection's state: whether the client has sent {@code DATA}, and its end of data. */
  private static final class Transaction {
    volatile boolean dataSent;
    volatile boolean endOfDataSent;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        sockets.add(client);
        sockets.add(server);
        Transaction tx = new Transaction();
        start(() -> down(server, client, tx), "smtp-holding-relay-down");
        start(() -> up(client, server, tx), "smtp-holding-relay-up");
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void start(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  /** The client's lines to the server; the end of data is held when so armed. */
  private void up(Socket client, Socket server, Transaction tx) {
    boolean data = false;
    try (InputStream in = client.getInputStream()) {
      OutputStream out = server.getOutputStream();
      for (String line; (line = readLine(in)) != null; ) {
        String command = line.strip().toUpperCase(Locale.ROOT);
        boolean endOfData = data && line.equals(".\r\n");
        if (endOfData && holds(Hold.END_OF_DATA)) {
          return;
        }
        if (endOfData) {
          tx.endOfDataSent = true;   // before it leaves: the answer to it can only come after
          data = false;
        } else if (!data && command.equals("DATA")) {
          tx.dataSent = true;
          data = true;
        }
        out.write(line.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    }
  }

  /** The server's lines to the client; the answer to the end of data, or the go-ahead to DATA, held when so armed. */
  private void down(Socket server, Socket client, Transaction tx) {
    try (InputStream in = server.getInputStream()) {
      OutputStream out = client.getOutputStream();
      for (String line; (line = readLine(in)) != null; ) {
        if (tx.endOfDataSent && holds(Hold.ACCEPTANCE)) {
          return;
        }
        if (tx.dataSent && !tx.endOfDataSent && line.startsWith("354") && holds(Hold.DATA_GO_AHEAD)) {
          return;
        }
        out.write(line.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    }
  }

  /**
   * Whether this is the moment to hold, the first time: then says so and waits for {@link #drop()} (the caller
   * forwards nothing more).
   */
  private boolean holds(Hold moment) {
    if (hold != moment || !armed.compareAndSet(true, false)) {
      return false;
    }
    held.countDown();
    try {
      dropped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
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
    drop();
    listener.close();
  }
}
