package dev.tenantwright.plugin.incus;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the plugin reaches an Incus server and how it publishes host ports, bound from the host's
 * {@code pluginConfig("incus", ...)} section.
 *
 * <p>Two transports: the local unix socket (the default, {@code /var/lib/incus/unix.socket}; access means
 * membership of the {@code incus-admin} group) or a remote server over HTTPS with a client certificate that
 * the server trusts ({@code incus config trust add-certificate}) and, normally, the server's certificate
 * pinned by its SHA-256 fingerprint — Incus servers use self-signed certificates. An {@code http://} URL is
 * accepted too, for a TLS-terminating proxy or a test fake. Immutable; the client key is a {@link Secret} and
 * never appears in messages.
 *
 * <pre>{@code
 * Tenantwright.builder().pluginConfig("incus", Map.of(
 *     "url", "https://incus.internal:8443",
 *     "clientCert", "/etc/tenantwright/incus-client.crt",
 *     "clientKey", "/etc/tenantwright/incus-client.key",
 *     "serverCertFingerprint", "6f1d...c2",
 *     "project", "customers",
 *     "listenAddress", "0.0.0.0",
 *     "publicHost", "erp.example.com"));
 * }</pre>
 *
 * @param socket the unix socket of a local server; default {@code /var/lib/incus/unix.socket} when no
 *     {@code url} is set; not allowed together with {@code url}
 * @param url the base URL of a remote server, e.g. {@code https://incus.internal:8443}
 * @param clientCert the client certificate (PEM text, or the path of a PEM file); required for https
 * @param clientKey the client certificate's private key (PEM text, or the path of a PEM file; PKCS#8,
 *     SEC1 EC or PKCS#1 RSA); required for https
 * @param serverCertFingerprint the SHA-256 fingerprint of the server's certificate (hex, colons allowed),
 *     as {@code incus info} prints it; when absent the JVM's trust store decides (PKI mode)
 * @param project the Incus project instances live in; default {@code default}. It must exist, and the profiles
 *     instances use there must give them a root disk: a project made with Incus's defaults
 *     ({@code features.profiles=true}) has its own, empty {@code default} profile. Every create checks this first.
 * @param listenAddress the host address proxy devices listen on unless an {@code expose} entry says
 *     otherwise; default {@code 127.0.0.1}, so nothing is published to the network by accident; use
 *     {@code 0.0.0.0} to publish on every interface
 * @param publicHost the host name put into access URLs; default the listen address, or {@code localhost}
 *     when that is a wildcard
 * @param addressTimeoutSeconds how long create and reset wait for an instance with a network card to get
 *     an IPv4 address; default 15, 0 to not wait
 * @param requestTimeoutSeconds how long one ordinary API call may take; default 30. Waiting for an operation
 *     is not bounded by it (that is the step's deadline).
 */
public record IncusConfig(
    @Nullable String socket,
    @Nullable String url,
    @Nullable String clientCert,
    @Nullable Secret clientKey,
    @Nullable String serverCertFingerprint,
    @Nullable String project,
    @Nullable String listenAddress,
    @Nullable String publicHost,
    @Nullable Integer addressTimeoutSeconds,
    @Nullable Integer requestTimeoutSeconds) {

  /** The socket of a local Incus server installed from packages. */
  public static final String DEFAULT_SOCKET = "/var/lib/incus/unix.socket";

  private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");

  /** Applies the defaults and checks the combination of settings. */
  public IncusConfig {
    if (socket != null && url != null) {
      throw invalid("socket", "set either 'socket' (local server) or 'url' (remote server), not both");
    }
    if (url == null && socket == null) {
      socket = DEFAULT_SOCKET;
    }
    if (socket != null && socket.isBlank()) {
      throw invalid("socket", "must not be blank");
    }
    if (url != null) {
      String lower = url.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
        throw invalid("url", "must start with https:// (or http:// behind a TLS-terminating proxy)");
      }
      if (url.indexOf('?') >= 0) {
        throw invalid("url", "must not carry a query; set the project with 'project'");
      }
      if (lower.startsWith("https://") && (clientCert == null || clientKey == null)) {
        throw invalid(clientCert == null ? "clientCert" : "clientKey",
            "an https server needs a client certificate and its key (Incus authenticates clients by certificate)");
      }
    }
    if ((clientCert != null || clientKey != null || serverCertFingerprint != null)
        && (url == null || !url.toLowerCase(Locale.ROOT).startsWith("https://"))) {
      throw invalid(clientCert != null ? "clientCert" : clientKey != null ? "clientKey" : "serverCertFingerprint",
          "only applies to an https 'url'");
    }
    if (serverCertFingerprint != null) {
      serverCertFingerprint = serverCertFingerprint.replace(":", "").strip().toLowerCase(Locale.ROOT);
      if (!FINGERPRINT.matcher(serverCertFingerprint).matches()) {
        throw invalid("serverCertFingerprint", "must be a SHA-256 fingerprint: 64 hex digits, colons allowed");
      }
    }
    project = project == null ? "default" : project;
    if (!PROJECT.matcher(project).matches()) {
      throw invalid("project", "is not a valid Incus project name");
    }
    listenAddress = listenAddress == null ? "127.0.0.1" : listenAddress;
    InstanceSpec.requireListenAddress("listenAddress", listenAddress);
    if (publicHost != null && !HOST.matcher(publicHost).matches()) {
      throw invalid("publicHost", "must be a host name or an IP address");
    }
    addressTimeoutSeconds = addressTimeoutSeconds == null ? 15 : addressTimeoutSeconds;
    if (addressTimeoutSeconds < 0 || addressTimeoutSeconds > 600) {
      throw invalid("addressTimeoutSeconds", "must be between 0 and 600");
    }
    requestTimeoutSeconds = requestTimeoutSeconds == null ? 30 : requestTimeoutSeconds;
    if (requestTimeoutSeconds < 1 || requestTimeoutSeconds > 600) {
      throw invalid("requestTimeoutSeconds", "must be between 1 and 600");
    }
  }

  /** A configuration for the local server's default socket and the default project. */
  public static IncusConfig localDefaults() {
    return new IncusConfig(null, null, null, null, null, null, null, null, null, null);
  }

  /** Whether the plugin talks to a unix socket rather than a URL. */
  public boolean usesSocket() {
    return socket != null;
  }

  /** The host name for access URLs of proxies listening on {@code listen}. */
  public String hostFor(String listen) {
    if (publicHost != null) {
      return publicHost;
    }
    if ("0.0.0.0".equals(listen) || "::".equals(listen)) {
      return "localhost";
    }
    return listen.indexOf(':') >= 0 ? "[" + listen + "]" : listen;
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return "IncusConfig[" + (socket != null ? "socket=" + socket : "url=" + url) + ", project=" + project
        + ", listenAddress=" + listenAddress + (publicHost == null ? "" : ", publicHost=" + publicHost)
        + (serverCertFingerprint == null ? "" : ", pinned") + "]";
  }

  private static PermanentException invalid(String field, String why) {
    return new PermanentException("incus config, field '" + field + "': " + why);
  }
}
