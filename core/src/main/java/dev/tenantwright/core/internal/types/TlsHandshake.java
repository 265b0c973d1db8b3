package dev.tenantwright.core.internal.types;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One TLS handshake with SNI that records the certificate chain a server presents and what a trust manager makes of
 * it, without failing the handshake over it — so that a caller can say precisely why a certificate is not good yet
 * (other names, expired, untrusted) instead of reading a handshake exception.
 *
 * <p>No application data is sent: the connection is closed as soon as the handshake is done. Connecting and the
 * handshake are both bounded, the handshake as a whole (a server that answers a byte at a time cannot hold it open
 * longer). Each handshake uses a fresh {@link SSLContext}, so no session is resumed and the chain is always seen.
 * Stateless and thread-safe.
 */
final class TlsHandshake {

  /** What one handshake came to: a chain the server presented, or why there was none. */
  sealed interface Outcome permits Served, Failed {}

  /**
   * The server's chain, leaf first, and the trust manager's objection to it (null when it trusts the chain). The
   * objection may also be about validity dates: the trust manager judges them by the system clock.
   */
  record Served(List<X509Certificate> chain, CertificateException distrust) implements Outcome {}

  /** No chain: why, e.g. {@code connection refused}. */
  record Failed(String problem) implements Outcome {}

  /** The longest connecting may take, all addresses together. */
  static final Duration MAX_CONNECT = Duration.ofSeconds(5);

  /** The longest the handshake may take once connected. */
  static final Duration MAX_HANDSHAKE = Duration.ofSeconds(10);

  private TlsHandshake() {}

  /**
   * Connects to the first of {@code addresses} that accepts, on {@code port}, and shakes hands asking for
   * {@code sniHost}, within {@code budget}: connecting takes at most {@link #MAX_CONNECT}, the handshake at most
   * {@link #MAX_HANDSHAKE}, both together at most the budget. Never throws for an unreachable or misbehaving
   * server: that is a {@link Failed} outcome.
   *
   * @param judge the trust manager whose verdict is recorded
   */
  static Outcome perform(List<InetAddress> addresses, int port, String sniHost, X509TrustManager judge,
      Duration budget) {
    long start = System.nanoTime();
    Duration connectTimeout = shorter(MAX_CONNECT, budget);
    Socket raw = null;
    String problem = "no address to connect to";
    long connectEnd = start + connectTimeout.toNanos();
    for (InetAddress address : addresses) {
      long left = connectEnd - System.nanoTime();
      if (left <= 0) {
        break;
      }
      Socket candidate = new Socket();
      try {
        candidate.connect(new InetSocketAddress(address, port), millis(Duration.ofNanos(left)));
        raw = candidate;
        break;
      } catch (IOException e) {
        closeQuietly(candidate);
        problem = describeConnect(e, connectTimeout);
      }
    }
    if (raw == null) {
      return new Failed(problem);
    }
    Duration handshakeTimeout = shorter(MAX_HANDSHAKE, budget.minusNanos(System.nanoTime() - start));
    if (handshakeTimeout.toMillis() < 1) {
      handshakeTimeout = Duration.ofMillis(1);
    }
    Recorder recorder = new Recorder(judge);
    AtomicBoolean timedOut = new AtomicBoolean();
    Socket connected = raw;
    CompletableFuture<Void> guard = CompletableFuture.runAsync(() -> {
      timedOut.set(true);
      closeQuietly(connected);
    }, CompletableFuture.delayedExecutor(millis(handshakeTimeout), TimeUnit.MILLISECONDS, Runnable::run));
    try {
      raw.setSoTimeout(millis(handshakeTimeout));
      SSLSocket tls = (SSLSocket) context(recorder).getSocketFactory().createSocket(raw, sniHost, port, true);
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(sniHost)));
      tls.setSSLParameters(parameters);
      tls.startHandshake();
    } catch (IOException e) {
      // Even when a chain was recorded it is not judged: a server that fails the handshake after presenting a
      // chain (say, without the key to prove it is the chain's subject) has not shown a working certificate.
      return new Failed(timedOut.get() || e instanceof SocketTimeoutException
          ? "no answer to the TLS handshake within " + describe(handshakeTimeout) : describeHandshake(e));
    } finally {
      guard.cancel(false);
      closeQuietly(raw);
    }
    if (recorder.chain == null || recorder.chain.length == 0) {
      return new Failed("the server presented no certificate");
    }
    return new Served(List.of(recorder.chain), recorder.distrust);
  }

  private static SSLContext context(TrustManager recorder) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {recorder}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new SSLException("this JVM cannot make a TLS context", e);
    }
  }

  private static String describeConnect(IOException e, Duration timeout) {
    if (e instanceof SocketTimeoutException) {
      return "no answer within " + describe(timeout);
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof NoRouteToHostException) {
      return "no route to host";
    }
    return "cannot connect (" + e.getClass().getSimpleName() + ")";
  }

  private static String describeHandshake(IOException e) {
    String message = Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
    if (e instanceof SSLHandshakeException) {
      return "TLS handshake failed: " + message;
    }
    if (e instanceof SSLException) {
      return "TLS error: " + message;
    }
    if (e instanceof SocketException) {
      return "connection closed during the TLS handshake (" + message.toLowerCase(Locale.ROOT) + ")";
    }
    return "TLS handshake failed (" + e.getClass().getSimpleName() + ")";
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  /** A socket timeout of 0 would mean "forever": never pass less than a millisecond. */
  private static int millis(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
  }

  static String describe(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    if (d.toMillis() % 1000 != 0) {
      return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
    long s = d.toSeconds();
    return s % 60 == 0 ? (s / 60) + "m" : s + "s";
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a socket that is already broken has nothing to report
    }
  }

  /** Records the server's chain and the judge's verdict, and lets the handshake go on either way. */
  private static final class Recorder extends X509ExtendedTrustManager {
    private final X509TrustManager judge;
    private volatile X509Certificate[] chain;
    private volatile CertificateException distrust;

    Recorder(X509TrustManager judge) {
      this.judge = judge;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, Socket socket) {
      chain = presented.clone();
      try {
        if (judge instanceof X509ExtendedTrustManager extended) {
          extended.checkServerTrusted(presented, authType, socket);
        } else {
          judge.checkServerTrusted(presented, authType);
        }
      } catch (CertificateException e) {
        distrust = e;
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, SSLEngine engine) {
      checkServerTrusted(presented, authType, (Socket) null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType) {
      checkServerTrusted(presented, authType, (Socket) null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("this trust manager only judges servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("this trust manager only judges servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType) throws CertificateException {
      throw new CertificateException("this trust manager only judges servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
