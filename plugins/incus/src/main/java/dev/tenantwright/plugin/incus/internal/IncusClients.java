package dev.tenantwright.plugin.incus.internal;

import dev.tenantwright.plugin.incus.IncusConfig;
import dev.tenantwright.plugin.support.RestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * Builds one {@link IncusApi} per distinct {@link IncusConfig} and keeps it, so every step of every run
 * shares its client (and, through the support module, the host's connection pool).
 *
 * <p>Thread-safe. Building reads certificate files once; a changed file takes effect with a new
 * configuration value.
 */
public final class IncusClients {

  private static final Map<IncusConfig, IncusApi> CLIENTS = new ConcurrentHashMap<>();

  private IncusClients() {}

  /** The API for a configuration, built on first use. */
  public static IncusApi forConfig(IncusConfig config) {
    return CLIENTS.computeIfAbsent(config, IncusClients::build);
  }

  /** Builds a client without caching it (tests use this to vary the transport). */
  public static IncusApi build(IncusConfig config) {
    RestClient.Builder b = RestClient.builder()
        .name("incus")
        .userAgent("tenantwright-incus")
        .defaultQuery("project", config.project())
        // The operation long-poll keeps the response body back for up to WAIT_CHUNK_SECONDS; it sets its own
        // call timeout, every other call is bounded by requestTimeoutSeconds.
        .readTimeout(Duration.ofSeconds(IncusApi.WAIT_CHUNK_SECONDS + 40))
        .callTimeout(Duration.ofSeconds(config.requestTimeoutSeconds()));
    if (config.usesSocket()) {
      b.unixSocket(Path.of(config.socket())).baseUrl("http://incus");
    } else {
      b.baseUrl(stripTrailingSlash(config.url()));
      if (config.url().toLowerCase(Locale.ROOT).startsWith("https://")) {
        IncusTls.Material tls = IncusTls.material(config);
        SSLContext context = tls.context();
        if (tls.pinned()) {
          // The pinned certificate is the whole trust decision: Incus's self-signed certificates rarely name
          // the host or address they are reached at, so the host-name check would refuse a trusted server.
          b.pinnedTls(context.getSocketFactory(), tls.trustManager());
        } else {
          b.tls(context.getSocketFactory(), tls.trustManager());
        }
      }
    }
    return new IncusApi(b.build(), config.project());
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
