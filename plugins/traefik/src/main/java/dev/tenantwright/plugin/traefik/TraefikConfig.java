package dev.tenantwright.plugin.traefik;

import dev.tenantwright.plugin.traefik.internal.Targets;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The host's configuration of the Traefik plugin, bound from its {@code pluginConfig("traefik", map)}
 * section; every field but {@code directory} has a default.
 *
 * <p>It names the folder Traefik's file provider watches ({@code providers.file.directory}; mount the folder,
 * not single files, so renames are seen), and optionally Traefik's API to verify that a written route is
 * live. Immutable; validated on construction with messages that name the field; the password never appears
 * in a message.
 *
 * <pre>{@code
 * Tenantwright.builder().pluginConfig("traefik", Map.of(
 *     "directory", "/etc/traefik/dynamic",
 *     "apiUrl", "http://127.0.0.1:8080",
 *     "certResolver", "le"));
 * }</pre>
 *
 * @param directory the file provider's directory; created if missing
 * @param apiUrl Traefik's API base URL (the {@code api@internal} router or {@code api.insecure} entry point),
 *     e.g. {@code http://127.0.0.1:8080}; without it, routes are written but not verified
 * @param apiUser the user for HTTP basic authentication on the API; optional
 * @param apiPassword the password for {@code apiUser}
 * @param entryPoints the entry points of a TLS route; default {@code [websecure]}
 * @param webEntryPoint the plain-HTTP entry point (plain routes, HTTPS redirects); default {@code web}
 * @param certResolver the certificate resolver of TLS routes, e.g. {@code le}; default none
 * @param redirectToHttps whether TLS routes also redirect plain HTTP to HTTPS; default true
 * @param verifyTimeoutSeconds how long to wait for the router to be enabled; default 60 (never past the
 *     step's deadline)
 * @param pollIntervalMillis the first wait between API polls, doubling up to 4 s; default 250
 * @param serverNetworks CIDR ranges a route's {@code servers} may point into although they are loopback,
 *     link-local, private, shared or otherwise internal addresses, e.g. {@code [127.0.0.1/32]} for sites
 *     published on the Traefik host itself; default none (such servers are refused: a tenant could otherwise
 *     make Traefik a public proxy to cloud metadata, the Traefik API or the internal network)
 * @param serviceProviders Traefik providers whose services a route's {@code service} may name besides the
 *     file provider, e.g. {@code [docker]} for services from Compose labels; default none. {@code internal}
 *     ({@code api@internal}, the dashboard) is only allowed when listed, and any other service must belong to
 *     the route's own environment (its name starts with {@code <tenant>-<environment>-})
 */
public record TraefikConfig(
    String directory,
    @Nullable String apiUrl,
    @Nullable String apiUser,
    @Nullable Secret apiPassword,
    @Nullable List<String> entryPoints,
    @Nullable String webEntryPoint,
    @Nullable String certResolver,
    @Nullable Boolean redirectToHttps,
    @Nullable Integer verifyTimeoutSeconds,
    @Nullable Integer pollIntervalMillis,
    @Nullable List<String> serverNetworks,
    @Nullable List<String> serviceProviders) {

  static final Pattern TRAEFIK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  /** Applies defaults and validates every field. */
  public TraefikConfig {
    if (directory == null || directory.isBlank()) {
      throw invalid("directory", "missing: the folder Traefik's file provider watches");
    }
    if (apiUrl != null) {
      try {
        URI u = new URI(apiUrl);
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
          throw invalid("apiUrl", "must be an http(s) URL such as http://127.0.0.1:8080");
        }
      } catch (URISyntaxException e) {
        throw invalid("apiUrl", "must be an http(s) URL such as http://127.0.0.1:8080");
      }
    }
    if ((apiUser == null) != (apiPassword == null)) {
      throw invalid(apiUser == null ? "apiUser" : "apiPassword", "apiUser and apiPassword go together");
    }
    entryPoints = entryPoints == null ? List.of("websecure") : List.copyOf(entryPoints);
    if (entryPoints.isEmpty()) {
      throw invalid("entryPoints", "must name at least one entry point");
    }
    for (String e : entryPoints) {
      name("entryPoints", e);
    }
    webEntryPoint = webEntryPoint == null ? "web" : name("webEntryPoint", webEntryPoint);
    if (certResolver != null) {
      name("certResolver", certResolver);
    }
    redirectToHttps = redirectToHttps == null ? Boolean.TRUE : redirectToHttps;
    verifyTimeoutSeconds = verifyTimeoutSeconds == null ? 60 : verifyTimeoutSeconds;
    if (verifyTimeoutSeconds < 1) {
      throw invalid("verifyTimeoutSeconds", "must be at least 1");
    }
    pollIntervalMillis = pollIntervalMillis == null ? 250 : pollIntervalMillis;
    if (pollIntervalMillis < 1) {
      throw invalid("pollIntervalMillis", "must be at least 1");
    }
    serverNetworks = serverNetworks == null ? List.of() : List.copyOf(serverNetworks);
    for (String cidr : serverNetworks) {
      try {
        Targets.Cidr.parse(cidr);
      } catch (IllegalArgumentException e) {
        throw invalid("serverNetworks", e.getMessage());
      }
    }
    serviceProviders = serviceProviders == null ? List.of() : List.copyOf(serviceProviders);
    for (String p : serviceProviders) {
      if (p == null || !p.matches("[a-z0-9][a-z0-9-]*")) {
        throw invalid("serviceProviders", "must list Traefik provider names such as docker, was " + p);
      }
    }
  }

  /** A configuration with every default, writing to {@code directory} without verification. */
  public static TraefikConfig of(Path directory) {
    return new TraefikConfig(directory.toString(), null, null, null, null, null, null, null, null, null, null, null);
  }

  /** This configuration verifying routes through the API at {@code url}. */
  public TraefikConfig withApi(String url) {
    return new TraefikConfig(directory, url, apiUser, apiPassword, entryPoints, webEntryPoint, certResolver,
        redirectToHttps, verifyTimeoutSeconds, pollIntervalMillis, serverNetworks, serviceProviders);
  }

  /** {@link #directory} as a path. */
  public Path dir() {
    return Path.of(directory);
  }

  /** {@link #verifyTimeoutSeconds} as a duration. */
  public Duration verifyTimeout() {
    return Duration.ofSeconds(verifyTimeoutSeconds);
  }

  /** {@link #pollIntervalMillis} as a duration. */
  public Duration pollInterval() {
    return Duration.ofMillis(pollIntervalMillis);
  }

  private static String name(String field, String value) {
    if (value == null || !TRAEFIK_NAME.matcher(value).matches()) {
      throw invalid(field, "must be a Traefik name (letters, digits, '_', '.', '-')");
    }
    return value;
  }

  private static PermanentException invalid(String field, String why) {
    return new PermanentException("traefik config, field '" + field + "': " + why);
  }
}
