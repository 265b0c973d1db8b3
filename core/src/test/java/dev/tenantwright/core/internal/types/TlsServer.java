package dev.tenantwright.core.internal.types;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;

/**
 * A TLS server on {@code 127.0.0.1} for tests: presents one {@link TestCertificates.Identity} to every client,
 * completes the handshake and hangs up. It counts the connections it accepted and records the SNI name every client
 * asked for. One daemon thread accepts and serves connections one at a time.
 */
final class TlsServer implements AutoCloseable {

  private final SSLServerSocket socket;
  private final Thread acceptor;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> serverNames = new CopyOnWriteArrayList<>();

  private TlsServer(SSLServerSocket socket) {
    this.socket = socket;
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
      @Override
      public boolean matches(SNIServerName name) {
        serverNames.add(new SNIHostName(name.getEncoded()).getAsciiName());
        return true;
      }
    }));
    socket.setSSLParameters(parameters);
    acceptor = new Thread(this::serve, "tls-server-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a server presenting {@code identity} on a free port. */
  static TlsServer start(TestCertificates.Identity identity) throws IOException, GeneralSecurityException {
    return start(identity, 0);
  }

  /** Starts a server presenting {@code identity} on {@code port} (0 for a free one). */
  static TlsServer start(TestCertificates.Identity identity, int port) throws IOException, GeneralSecurityException {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(identity.keyStore(), TestCertificates.PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return new TlsServer((SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(port, 50, InetAddress.getByName("127.0.0.1")));
  }

  int port() {
    return socket.getLocalPort();
  }

  /** How many TCP connections were accepted. */
  int connections() {
    return connections.get();
  }

  /** The SNI name of every handshake a client started, in order. */
  List<String> serverNames() {
    return List.copyOf(serverNames);
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (SSLSocket client = (SSLSocket) socket.accept()) {
        connections.incrementAndGet();
        client.setSoTimeout(5_000);
        client.startHandshake();
      } catch (SocketException closed) {
        // the server socket was closed, or the client hung up mid-handshake: the loop condition decides
      } catch (IOException handshakeFailed) {
        // a client that gives up on the handshake is not the server's problem
      }
    }
  }

  /**
   * Stops listening. Returns only once the accepting thread has left {@code accept()}: until then the kernel keeps
   * the port listening, and a client connecting right after {@code close} would still be served.
   */
  @Override
  public void close() throws IOException {
    socket.close();
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
