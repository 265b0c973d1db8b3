package dev.tenantwright.testkit.tls;

import dev.tenantwright.testkit.tls.internal.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A TLS server on {@code 127.0.0.1} that presents, to a client asking (by SNI) for one of its names, a certificate for
 * those names signed by its own test CA — and to any other client a self-signed fallback certificate
 * ({@code CN=FAKE DEFAULT CERT}), as a reverse proxy serves its default certificate for a name it has none for. Point
 * the certificate check under test at {@link #address()} and {@link #port()}, and make it trust {@link #caPem()}.
 *
 * <p>It completes the handshake and hangs up; it serves no HTTP. Every SNI name a client asks for is recorded
 * ({@link #handshakes()}), so a test can prove the check ran, and for which name. Certificates are made with the
 * JDK's {@code keytool} on first use — a second or two — and reused for the same names within the JVM.
 *
 * <p>Thread-safe: one daemon thread accepts connections, and each handshake runs on a daemon thread of its own.
 * Close it after use.
 *
 * <pre>{@code
 * try (TlsFake tls = TlsFake.serving("shop.example.com")) {
 *   // a tls.certificate check of shop.example.com passes with connectTo: tls.address(), port: tls.port(),
 *   // trust: tls.caPem() (as a one-line run parameter: tls.caPem().replace('\n', ' '))
 * }
 * }</pre>
 */
public final class TlsFake implements AutoCloseable {

  /** The subject of the certificate presented for names the server has no certificate for. */
  public static final String FALLBACK_SUBJECT = TestPki.FALLBACK_SUBJECT;

  private static final String SITE = "site";
  private static final String FALLBACK = "fallback";
  private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private final Set<String> names;
  private final TestPki pki;
  private final SSLServerSocket socket;
  private final Thread acceptor;
  private final List<String> handshakes = new CopyOnWriteArrayList<>();

  private TlsFake(List<String> names) {
    this.names = Set.copyOf(names);
    this.pki = TestPki.forNames(names);
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] password = "fake-tls".toCharArray();
      keys.setKeyEntry(SITE, pki.site().key(), password, pki.site().chain().toArray(new X509Certificate[0]));
      keys.setKeyEntry(FALLBACK, pki.fallback().key(), password,
          pki.fallback().chain().toArray(new X509Certificate[0]));
      KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
      factory.init(keys, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new ByName((X509ExtendedKeyManager) factory.getKeyManagers()[0])}, null, null);
      socket = (SSLServerSocket) context.getServerSocketFactory()
          .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up the TLS fake", e);
    }
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
      @Override
      public boolean matches(SNIServerName name) {
        handshakes.add(new SNIHostName(name.getEncoded()).getAsciiName().toLowerCase(Locale.ROOT));
        return true;
      }
    }));
    socket.setSSLParameters(parameters);
    acceptor = new Thread(this::accept, "fake-tls-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts a server whose CA-signed certificate covers {@code names} (exact DNS names; the first is also its
   * subject's CN).
   *
   * @throws IllegalArgumentException when no name is given or one is not a DNS name
   */
  public static TlsFake serving(String... names) {
    if (names.length == 0) {
      throw new IllegalArgumentException("give at least one name");
    }
    List<String> normalised = new ArrayList<>();
    for (String name : names) {
      String n = name.strip().toLowerCase(Locale.ROOT);
      if (!n.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
        throw new IllegalArgumentException("'" + name + "' is not a DNS name");
      }
      normalised.add(n);
    }
    return new TlsFake(normalised);
  }

  /** The address to connect to: {@code 127.0.0.1}. */
  public String address() {
    return socket.getInetAddress().getHostAddress();
  }

  /** The port it listens on. */
  public int port() {
    return socket.getLocalPort();
  }

  /** The test CA's certificate as PEM text, with line breaks; trust it to accept the server's certificate. */
  public String caPem() {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pki.ca().getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode the test CA", e);
    }
  }

  /** The SNI name of every handshake a client started, lower-case, in order; a client that sent none is not listed. */
  public List<String> handshakes() {
    return List.copyOf(handshakes);
  }

  /**
   * Stops listening. Returns once the accepting thread has left {@code accept()}: until then the kernel keeps the
   * port listening, and a client connecting right after {@code close} would still be served.
   */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // the accept thread ends either way
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Thread handshake = new Thread(() -> shakeHands((SSLSocket) client), "fake-tls-handshake");
        handshake.setDaemon(true);
        handshake.start();
      } catch (IOException closed) {
        // the server socket was closed: the loop ends
      }
    }
  }

  private static void shakeHands(SSLSocket client) {
    try (client) {
      client.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
      client.startHandshake();
    } catch (IOException ignored) {
      // a client that gives up on the handshake (or rejects the certificate) is what a check may well do
    }
  }

  /** Presents the site certificate when the client asked for one of its names, the fallback otherwise. */
  private final class ByName extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager keys;

    ByName(X509ExtendedKeyManager keys) {
      this.keys = keys;
    }

    private String choose(String keyType, SSLSession handshake) {
      if (!"EC".equals(keyType)) {
        return null;
      }
      if (handshake instanceof ExtendedSSLSession session) {
        for (SNIServerName requested : session.getRequestedServerNames()) {
          if (requested.getType() == StandardConstants.SNI_HOST_NAME
              && names.contains(new SNIHostName(requested.getEncoded()).getAsciiName().toLowerCase(Locale.ROOT))) {
            return SITE;
          }
        }
      }
      return FALLBACK;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return choose(keyType, socket instanceof SSLSocket tls ? tls.getHandshakeSession() : null);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return "EC".equals(keyType) ? new String[] {SITE, FALLBACK} : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
