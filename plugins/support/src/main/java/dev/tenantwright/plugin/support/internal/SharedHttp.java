package dev.tenantwright.plugin.support.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.nio.file.Path;
import java.util.List;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import org.newsclub.net.unix.AFSocketFactory;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * The one {@link OkHttpClient} every plugin's clients derive from, so they share a single connection pool
 * and dispatcher on the host's class path, plus the unix-socket transport for Incus and Docker.
 *
 * <p>Clients call {@code base().newBuilder()}: OkHttp then shares the pool while each client keeps its own
 * timeouts and interceptors. Thread-safe; created on first use.
 */
public final class SharedHttp {

  private SharedHttp() {}

  private static final class Holder {
    // No silent re-sends: a POST re-sent after a reset connection could create twice; the engine retries
    // deliberately instead, reading first when the outcome is unknown.
    static final OkHttpClient BASE = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
  }

  /** The shared base client; never call its {@code newBuilder().connectionPool(...)}. */
  public static OkHttpClient base() {
    return Holder.BASE;
  }

  /**
   * Routes every connection of {@code builder} to the unix socket at {@code socket}, whatever host the URL
   * names: the host becomes a placeholder that is neither resolved nor proxied.
   *
   * @throws IllegalArgumentException if the path cannot be a unix socket address (e.g. too long)
   */
  public static OkHttpClient.Builder overUnixSocket(OkHttpClient.Builder builder, Path socket) {
    AFUNIXSocketAddress address;
    try {
      address = AFUNIXSocketAddress.of(socket);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a usable unix socket path: " + socket, e);
    }
    Dns placeholder = host -> List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
    return builder
        .socketFactory(new AFSocketFactory.FixedAddressSocketFactory(address))
        .dns(placeholder)
        .proxy(Proxy.NO_PROXY);
  }
}
