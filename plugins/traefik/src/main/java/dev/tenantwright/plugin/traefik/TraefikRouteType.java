package dev.tenantwright.plugin.traefik;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.plugin.traefik.internal.RouteFile;
import dev.tenantwright.plugin.traefik.internal.RouterCheck;
import dev.tenantwright.plugin.traefik.internal.Targets;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code traefik.route} resource type: one dynamic-configuration file per route in Traefik's
 * file-provider directory, with a router (and an HTTP → HTTPS redirect router), a load-balancer service or a
 * reference to another provider's service, strip-prefix and redirect middlewares, and the TLS certificate
 * resolver.
 *
 * <p><b>create</b> renders {@code <directory>/<resourceName>.yml}, validates it against Traefik's v3
 * file-provider schema (one unparsable file would block every route Traefik serves), writes it atomically
 * ({@code *.yml.tmp}, fsync, rename) and, when an API URL is configured, polls
 * {@code /api/http/routers/<name>@file} until the routers are enabled without errors. An existing file with
 * this resource's marker (the comment line {@code # tenantwright-owner: <marker>}) is converged and reported
 * created (an earlier attempt) or adopted (an earlier run); any other file of that name is a conflict and is
 * left untouched. If verification fails for good, the file this step wrote is removed (or, for an adopted
 * one, its previous content restored) before the failure is reported. <b>read</b> reports the file if it is
 * there and ours. <b>update</b> rewrites and verifies, restoring the previous file if the new one is
 * refused. <b>delete</b> removes the file; a missing file is success, a foreign one is never removed.
 *
 * <p>Router, service and middleware names are {@code <resourceName>}, {@code <resourceName>-http},
 * {@code <resourceName>-strip}, {@code <resourceName>-https}: unique per tenant environment, since Traefik
 * keeps only the first of two same-named objects. Stateless and thread-safe.
 */
@Extension
public final class TraefikRouteType implements ResourceType<RouteSpec, TraefikRouteOutputs>,
    Updatable<RouteSpec, TraefikRouteOutputs> {

  /** The type name blueprints use. */
  public static final String TYPE = "traefik.route";

  private static final Logger LOG = LoggerFactory.getLogger(TraefikRouteType.class);

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<RouteSpec> specType() {
    return RouteSpec.class;
  }

  @Override
  public Class<TraefikRouteOutputs> outputType() {
    return TraefikRouteOutputs.class;
  }

  /** The {@code traefik} section binds to {@link TraefikConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return TraefikConfig.class;
  }

  @Override
  public CreateResult<TraefikRouteOutputs> create(RouteSpec spec, StepContext ctx) {
    TraefikConfig config = ctx.config(TraefikConfig.class);
    RouteFile file = file(config, ctx, null);
    Optional<String> before = file.read();
    boolean adopted = false;
    String owner = ctx.ownershipMarker();
    if (before.isPresent()) {
      owner = requireBelongsHere(file, before.get(), ctx);
      adopted = !ctx.isOurs(owner);
      LOG.info("traefik route {}: file found with marker {}, {}", file.router(), owner, adopted ? "adopting" : "converging");
    }
    TraefikRouteOutputs out = apply(spec, config, file, owner, before.orElse(null), adopted, ctx);
    return adopted ? CreateResult.adopted(out) : CreateResult.created(out);
  }

  @Override
  public Optional<TraefikRouteOutputs> read(RouteSpec spec, TraefikRouteOutputs outputs, StepContext ctx) {
    TraefikConfig config = ctx.config(TraefikConfig.class);
    RouteFile file = file(config, ctx, outputs);
    Optional<String> content = file.read();
    if (content.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> owner = RouteFile.ownerOf(content.get());
    if (owner.isEmpty() || !ctx.belongsHere(owner.get())) {
      return Optional.empty();
    }
    return Optional.of(outputs(spec, config, file, owner.get(), outputs != null && outputs.verified()));
  }

  @Override
  public TraefikRouteOutputs update(RouteSpec spec, RouteSpec previous, TraefikRouteOutputs outputs,
      StepContext ctx) {
    TraefikConfig config = ctx.config(TraefikConfig.class);
    RouteFile file = file(config, ctx, outputs);
    Optional<String> before = file.read();
    String owner = before.isPresent() ? requireBelongsHere(file, before.get(), ctx)
        : outputs != null ? outputs.owner() : ctx.ownershipMarker();
    return apply(spec, config, file, owner, before.orElse(null), true, ctx);
  }

  @Override
  public void delete(RouteSpec spec, TraefikRouteOutputs outputs, StepContext ctx) {
    TraefikConfig config = ctx.config(TraefikConfig.class);
    RouteFile file = file(config, ctx, outputs);
    Optional<String> content = file.read();
    if (content.isEmpty()) {
      file.delete();
      LOG.info("traefik route {}: already gone", file.router());
      return;
    }
    requireBelongsHere(file, content.get(), ctx);
    file.delete();
    ctx.progress().report(100, "route " + file.router() + " removed");
    LOG.info("traefik route {}: file removed", file.router());
  }

  /**
   * Writes the route and verifies it; on a permanent verification failure puts back what was there before
   * (the previous content when {@code keepPrevious}, else nothing).
   */
  private TraefikRouteOutputs apply(RouteSpec spec, TraefikConfig config, RouteFile file, String owner,
      @Nullable String before, boolean keepPrevious, StepContext ctx) {
    if (spec.servers() != null) {
      Targets.checkServers(spec.servers(), config);
    }
    if (spec.service() != null) {
      Targets.checkService(spec.service(), config, ctx);
    }
    ctx.progress().report(10, "rendering route " + file.router());
    String content = file.render(spec, config, owner);
    SchemaValidator.traefik().requireValidYaml(file.path().getFileName() + " of traefik route " + file.router(), content);
    if (!content.equals(before)) {
      file.write(content);
      LOG.info("traefik route {}: written to {}", file.router(), file.path());
    }
    ctx.progress().report(50, "route file " + file.path().getFileName() + " written");
    boolean verified = false;
    if (config.apiUrl() != null) {
      Map<String, Map<String, Object>> routers = new LinkedHashMap<>();
      file.routerDefinitions(spec, config).forEach((name, definition) -> routers.put(name + "@file", definition));
      try {
        RouterCheck.awaitEnabled(config, routers, ctx);
        verified = true;
      } catch (PermanentException e) {
        try {
          if (keepPrevious && before != null) {
            file.write(before);
          } else {
            file.delete();
          }
        } catch (RuntimeException undo) {
          e.addSuppressed(undo);
        }
        throw e;
      }
    }
    ctx.progress().report(100, "route " + file.router() + (verified ? " is live" : " written"));
    return outputs(spec, config, file, owner, verified);
  }

  private static TraefikRouteOutputs outputs(RouteSpec spec, TraefikConfig config, RouteFile file, String owner,
      boolean verified) {
    String service = file.service(spec);
    return new TraefikRouteOutputs(file.path().toString(), file.router() + "@file",
        file.routers(spec, config).stream().map(r -> r + "@file").toList(),
        service.contains("@") ? service : service + "@file", spec.url(), owner, verified);
  }

  private static String requireBelongsHere(RouteFile file, String content, StepContext ctx) {
    Optional<String> owner = RouteFile.ownerOf(content);
    if (owner.isEmpty() || !ctx.belongsHere(owner.get())) {
      throw new PermanentException("traefik route file " + file.path() + " already exists and is not managed by this resource"
          + (owner.isEmpty() ? " (no '" + RouteFile.OWNER_PREFIX.strip() + "' line)" : " (owned by " + owner.get() + ")")
          + ": refusing to adopt or change it");
    }
    return owner.get();
  }

  private static RouteFile file(TraefikConfig config, StepContext ctx, @Nullable TraefikRouteOutputs outputs) {
    String name = ctx.resourceName();
    if (outputs != null && outputs.router().endsWith("@file")) {
      name = outputs.router().substring(0, outputs.router().length() - "@file".length());
    }
    return new RouteFile(config.dir(), Names.dnsLabel("resourceName", name));
  }
}
