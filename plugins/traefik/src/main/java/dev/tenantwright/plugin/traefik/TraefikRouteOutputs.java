package dev.tenantwright.plugin.traefik;

import java.util.List;
import java.util.Objects;

/**
 * What a {@code traefik.route} resource reports: the file it wrote and the names Traefik knows the route
 * by. Referable in blueprints as {@code ${route.url}}, {@code ${route.router}}.
 *
 * @param file the dynamic-configuration file, {@code <directory>/<resourceName>.yml}
 * @param router the main router as the API names it, {@code <resourceName>@file}
 * @param routers every router in the file, API-qualified (the HTTPS redirect router included)
 * @param service the service the routers forward to, API-qualified
 * @param url the route's public URL
 * @param owner the ownership marker in the file's first line
 * @param verified whether Traefik's API confirmed the routers enabled (false when no API is configured)
 */
public record TraefikRouteOutputs(
    String file,
    String router,
    List<String> routers,
    String service,
    String url,
    String owner,
    boolean verified) {

  /** Validates presence and copies the list. */
  public TraefikRouteOutputs {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(router, "router");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(owner, "owner");
    routers = routers == null ? List.of() : List.copyOf(routers);
  }

  /** The outputs with {@code verified} set. */
  public TraefikRouteOutputs verified(boolean isVerified) {
    return new TraefikRouteOutputs(file, router, routers, service, url, owner, isVerified);
  }
}
