package dev.tenantwright.plugin.traefik;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.HostName;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a {@code traefik.route} resource routes: a host (and optionally a path prefix) to either a set of
 * server URLs or an existing Traefik service of another provider.
 *
 * <p>The router, service and middleware names are not part of the spec: they derive from the resource's
 * deterministic name ({@code <resourceName>}, {@code <resourceName>-http}, {@code <resourceName>-strip},
 * {@code <resourceName>-https}), so they are unique across tenants and found again on a retry. Immutable;
 * validated on construction with messages that name the field.
 *
 * <pre>{@code
 * params:
 *   host: shop.example.com
 *   pathPrefix: /api
 *   stripPrefix: true
 *   servers: ["http://127.0.0.1:20001"]
 * }</pre>
 *
 * @param host the host name to route, e.g. {@code shop.example.com}
 * @param pathPrefix only requests below this path, e.g. {@code /api}; optional
 * @param stripPrefix whether the prefix is removed before forwarding; default false
 * @param servers the backend URLs of a load-balancer service this route defines; exclusive with
 *     {@code service}
 * @param service an existing service to route to, e.g. {@code acme-demo-site-web@docker}; exclusive with
 *     {@code servers}
 * @param tls whether the route serves HTTPS; default true
 * @param certResolver the certificate resolver; default the plugin's
 * @param redirectToHttps whether plain HTTP on the web entry point redirects to HTTPS; default the plugin's
 * @param entryPoints the entry points; default the plugin's (TLS) or its web entry point (plain)
 * @param priority the router priority; default Traefik's (rule length)
 * @param passHostHeader whether the Host header is passed to the servers; default Traefik's (true)
 * @param healthCheckPath a path Traefik polls on each server, e.g. {@code /health}; optional
 */
public record RouteSpec(
    @HostName String host,
    @Nullable String pathPrefix,
    @Nullable Boolean stripPrefix,
    @Nullable List<String> servers,
    @Nullable String service,
    @Nullable Boolean tls,
    @Nullable String certResolver,
    @Nullable Boolean redirectToHttps,
    @Nullable List<String> entryPoints,
    @Nullable Integer priority,
    @Nullable Boolean passHostHeader,
    @Nullable String healthCheckPath) {

  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");
  private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*(@[a-z0-9-]+)?");

  /** Applies defaults and validates every field. */
  public RouteSpec {
    Names.hostname("host", host);
    if (pathPrefix != null) {
      path("pathPrefix", pathPrefix);
    }
    stripPrefix = stripPrefix == null ? Boolean.FALSE : stripPrefix;
    if (stripPrefix && pathPrefix == null) {
      throw invalid("stripPrefix", "needs a pathPrefix to strip");
    }
    if ((servers == null || servers.isEmpty()) == (service == null)) {
      throw invalid("servers", "give either 'servers' (backend URLs) or 'service' (an existing Traefik service), not both or neither");
    }
    if (servers != null) {
      servers = List.copyOf(servers);
      for (String s : servers) {
        url(s);
      }
    }
    if (service != null && !SERVICE.matcher(service).matches()) {
      throw invalid("service", "must be a Traefik service name, optionally with its provider (name@docker), was " + service);
    }
    tls = tls == null ? Boolean.TRUE : tls;
    if (certResolver != null && !TraefikConfig.TRAEFIK_NAME.matcher(certResolver).matches()) {
      throw invalid("certResolver", "must be a Traefik resolver name");
    }
    if (entryPoints != null) {
      entryPoints = List.copyOf(entryPoints);
      if (entryPoints.isEmpty() || entryPoints.stream().anyMatch(e -> e == null || !TraefikConfig.TRAEFIK_NAME.matcher(e).matches())) {
        throw invalid("entryPoints", "must list Traefik entry point names");
      }
    }
    if (priority != null && priority < 0) {
      throw invalid("priority", "must not be negative");
    }
    if (healthCheckPath != null) {
      path("healthCheckPath", healthCheckPath);
    }
  }

  /** The Traefik v3 rule: {@code Host(`h`)} and, with a path prefix, {@code && PathPrefix(`/p`)}. */
  public String rule() {
    return "Host(`" + host + "`)" + (pathPrefix == null ? "" : " && PathPrefix(`" + pathPrefix + "`)");
  }

  /** The public URL of the route. */
  public String url() {
    return (tls ? "https://" : "http://") + host + (pathPrefix == null ? "/" : pathPrefix);
  }

  private static void path(String field, String value) {
    if (!PATH.matcher(value).matches() || value.length() > 200) {
      throw invalid(field, "must be a URL path starting with '/', was " + value);
    }
  }

  private static void url(String value) {
    try {
      URI u = new URI(value);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()) || "h2c".equals(u.getScheme()))
          || u.getHost() == null || u.getRawUserInfo() != null) {
        throw invalid("servers", "each server must be an http(s) URL with a host and no credentials, was " + value);
      }
    } catch (URISyntaxException e) {
      throw invalid("servers", "not a URL: " + value);
    }
  }

  private static PermanentException invalid(String field, String why) {
    return new PermanentException("traefik.route spec, field '" + field + "': " + why);
  }
}
