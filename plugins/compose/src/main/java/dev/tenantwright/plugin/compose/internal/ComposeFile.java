package dev.tenantwright.plugin.compose.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.compose.ComposeConfig;
import dev.tenantwright.plugin.compose.ProjectSpec;
import dev.tenantwright.plugin.compose.ProjectSpec.Route;
import dev.tenantwright.plugin.compose.ProjectSpec.Service;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders a project's compose file and {@code .env} from its spec, and reads the ownership marker back from a
 * compose file on disk.
 *
 * <p>The compose file is built as a tree and written with the shared YAML mapper, never by string
 * concatenation: every string that is not the plugin's own — values, commands, labels including the Traefik
 * rule and strip prefix — is escaped for Compose's interpolation ({@code $} becomes {@code $$}), and the only
 * {@code ${...}} references are the ones to the {@code .env} secrets. Those are named
 * {@code TW_SECRET_<NAME>} ({@link #SECRET_PREFIX}): Compose prefers a variable of its own process
 * environment to the {@code .env} value, so the names must not be ones a host or a CLI sets ({@code HOME},
 * {@code DB_PASSWORD}, ...; security finding SEC3). Stateless; thread-safe.
 */
public final class ComposeFile {

  /** The label, and top-level {@code x-tenantwright.owner} key, that carries the ownership marker. */
  public static final String OWNER_LABEL = "dev.tenantwright.owner";

  /** The label that carries the deployed revision. */
  public static final String REVISION_LABEL = "dev.tenantwright.revision";

  /** The file name inside the site folder. */
  public static final String FILE_NAME = "compose.yaml";

  /** The network every service of a project joins, named {@code <project>_site} by Compose. */
  public static final String SITE_NETWORK = "site";

  /** The prefix of the {@code .env} variables that carry secrets; the container sees the secret's own name. */
  public static final String SECRET_PREFIX = "TW_SECRET_";

  private static final String TRAEFIK_NETWORK_KEY = "traefik";

  private ComposeFile() {}

  /**
   * The compose file's YAML for {@code project}, owned by {@code owner}.
   *
   * @throws PermanentException when a service has a route but no {@code traefikNetwork} is configured, or a build
   *     context may not be used (see {@link BuildContexts})
   */
  public static String render(String project, ProjectSpec spec, ComposeConfig config, String owner) {
    for (Map.Entry<String, Service> e : spec.services().entrySet()) {
      if (e.getValue().route() != null && config.traefikNetwork() == null) {
        throw new PermanentException("compose config, field 'traefikNetwork': service " + e.getKey()
            + " has a route, but no traefikNetwork is configured, so Traefik could not reach it (every request "
            + "would fail with 502); configure the Docker network Traefik reaches sites on");
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", project);
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("owner", owner);
    if (spec.revision() != null) {
      x.put("revision", escape(spec.revision()));
    }
    doc.put("x-tenantwright", x);

    Set<String> volumes = new LinkedHashSet<>();
    boolean anyRoute = false;
    Map<String, Object> services = new LinkedHashMap<>();
    for (Map.Entry<String, Service> e : spec.services().entrySet()) {
      Service s = e.getValue();
      services.put(e.getKey(), service(project, e.getKey(), s, spec, config, owner));
      volumes.addAll(s.volumes().keySet());
      anyRoute |= s.route() != null;
    }
    doc.put("services", services);

    Map<String, Object> networks = new LinkedHashMap<>();
    networks.put(SITE_NETWORK, Map.of("labels", Map.of(OWNER_LABEL, owner)));
    if (anyRoute && config.traefikNetwork() != null) {
      Map<String, Object> external = new LinkedHashMap<>();
      external.put("name", config.traefikNetwork());
      external.put("external", true);
      networks.put(TRAEFIK_NETWORK_KEY, external);
    }
    doc.put("networks", networks);
    if (!volumes.isEmpty()) {
      Map<String, Object> vols = new LinkedHashMap<>();
      for (String v : volumes) {
        vols.put(v, Map.of("labels", Map.of(OWNER_LABEL, owner)));
      }
      doc.put("volumes", vols);
    }
    try {
      return SupportJson.yamlMapper().writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new PermanentException("compose project " + project + ": cannot render the compose file: "
          + e.getOriginalMessage(), e);
    }
  }

  private static Map<String, Object> service(String project, String name, Service s, ProjectSpec spec,
      ComposeConfig config, String owner) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (s.image() != null && !s.image().isBlank()) {
      out.put("image", escape(s.image()));
    }
    if (s.build() != null) {
      Map<String, Object> build = new LinkedHashMap<>();
      build.put("context", escape(BuildContexts.resolve(project, s.build(), config)));
      if (s.build().dockerfile() != null) {
        build.put("dockerfile", escape(s.build().dockerfile()));
      }
      out.put("build", build);
    }
    if (s.command() != null) {
      out.put("command", s.command().stream().map(ComposeFile::escape).toList());
    }
    out.put("init", s.init());
    out.put("restart", config.restart());
    Map<String, Object> env = new LinkedHashMap<>();
    s.environment().forEach((k, v) -> env.put(k, v == null ? "" : escape(v)));
    for (String secret : s.secretEnv()) {
      env.put(secret, "${" + SECRET_PREFIX + secret + "}");
    }
    if (!env.isEmpty()) {
      out.put("environment", env);
    }

    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put(OWNER_LABEL, escape(owner));
    if (spec.revision() != null) {
      labels.put(REVISION_LABEL, escape(spec.revision()));
    }
    s.labels().forEach((k, v) -> labels.put(k, v == null ? "" : escape(v)));
    if (s.route() != null) {
      traefikLabels(project + "-" + name, s.route(), config).forEach((k, v) -> labels.put(k, escape(v)));
    }
    out.put("labels", labels);

    if (!s.ports().isEmpty()) {
      List<Object> ports = new ArrayList<>();
      for (ProjectSpec.Port p : s.ports()) {
        Map<String, Object> port = new LinkedHashMap<>();
        port.put("target", p.target());
        if (p.published() != null) {
          port.put("published", Integer.toString(p.published()));
        }
        port.put("host_ip", p.hostIp());
        port.put("protocol", p.protocol());
        ports.add(port);
      }
      out.put("ports", ports);
    }
    if (s.healthcheck() != null) {
      ProjectSpec.Healthcheck h = s.healthcheck();
      Map<String, Object> hc = new LinkedHashMap<>();
      List<String> test = new ArrayList<>();
      String first = h.test().get(0);
      if (!first.equals("CMD") && !first.equals("CMD-SHELL") && !first.equals("NONE")) {
        test.add("CMD");
      }
      h.test().forEach(t -> test.add(escape(t)));
      hc.put("test", test);
      putIfPresent(hc, "interval", h.interval());
      putIfPresent(hc, "timeout", h.timeout());
      if (h.retries() != null) {
        hc.put("retries", h.retries());
      }
      putIfPresent(hc, "start_period", h.startPeriod());
      out.put("healthcheck", hc);
    }
    String memory = s.memory() != null ? s.memory() : config.defaultMemory();
    String cpus = s.cpus() != null ? s.cpus() : config.defaultCpus();
    if (memory != null || cpus != null) {
      Map<String, Object> limits = new LinkedHashMap<>();
      if (cpus != null) {
        limits.put("cpus", cpus);
      }
      if (memory != null) {
        limits.put("memory", memory);
      }
      out.put("deploy", Map.of("resources", Map.of("limits", limits)));
    }
    if (!s.volumes().isEmpty()) {
      List<Object> mounts = new ArrayList<>();
      s.volumes().forEach((volume, path) -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "volume");
        m.put("source", volume);
        m.put("target", escape(path));
        mounts.add(m);
      });
      out.put("volumes", mounts);
    }
    List<String> networks = new ArrayList<>();
    networks.add(SITE_NETWORK);
    if (s.route() != null && config.traefikNetwork() != null) {
      networks.add(TRAEFIK_NETWORK_KEY);
    }
    out.put("networks", networks);
    if (!s.dependsOn().isEmpty()) {
      Map<String, Object> deps = new LinkedHashMap<>();
      for (String d : s.dependsOn()) {
        boolean healthy = spec.services().get(d).healthcheck() != null;
        deps.put(d, Map.of("condition", healthy ? "service_healthy" : "service_started"));
      }
      out.put("depends_on", deps);
    }
    putIfPresent(out, "stop_grace_period", s.stopGracePeriod());
    return out;
  }

  /**
   * The Traefik docker-provider labels of one routed service, unescaped: a router on the secure entry point (or
   * the plain one without TLS) with the certificate resolver, its load-balancer port, a strip-prefix
   * middleware, and a second router on the plain entry point that redirects to HTTPS. The caller escapes every
   * value for Compose.
   */
  static Map<String, String> traefikLabels(String router, Route route, ComposeConfig config) {
    Map<String, String> l = new LinkedHashMap<>();
    String r = "traefik.http.routers." + router;
    l.put("traefik.enable", "true");
    l.put(r + ".rule", route.rule());
    l.put(r + ".entrypoints", route.tls() ? config.secureEntryPoint() : config.webEntryPoint());
    l.put(r + ".service", router);
    List<String> middlewares = new ArrayList<>();
    if (route.stripPrefix()) {
      String strip = router + "-strip";
      l.put("traefik.http.middlewares." + strip + ".stripprefix.prefixes", route.pathPrefix());
      middlewares.add(strip);
    }
    if (!middlewares.isEmpty()) {
      l.put(r + ".middlewares", String.join(",", middlewares));
    }
    if (route.tls()) {
      l.put(r + ".tls", "true");
      if (config.certResolver() != null) {
        l.put(r + ".tls.certresolver", config.certResolver());
      }
      boolean redirect = route.redirectToHttps() != null ? route.redirectToHttps() : config.redirectToHttps();
      if (redirect) {
        String https = router + "-https";
        String plain = "traefik.http.routers." + router + "-http";
        l.put("traefik.http.middlewares." + https + ".redirectscheme.scheme", "https");
        l.put("traefik.http.middlewares." + https + ".redirectscheme.permanent", "true");
        l.put(plain + ".rule", route.rule());
        l.put(plain + ".entrypoints", config.webEntryPoint());
        l.put(plain + ".middlewares", https);
        l.put(plain + ".service", router);
      }
    }
    l.put("traefik.http.services." + router + ".loadbalancer.server.port", Integer.toString(route.port()));
    if (config.traefikNetwork() != null) {
      l.put("traefik.docker.network", config.traefikNetwork());
    }
    return l;
  }

  /**
   * The {@code .env} text: one {@code TW_SECRET_NAME='value'} line per secret, preceded by a comment. Single
   * quotes make compose-go's dotenv parser read the value literally (no interpolation, no escapes) as long as
   * it holds no {@code '} and no {@code \} — a backslash before the closing quote would escape it and let
   * the next line's value be parsed as statements (security finding SEC2). The spec refuses such values; this
   * method checks again, so no path can write a value Compose would read differently.
   */
  public static String renderEnv(ProjectSpec spec) {
    StringBuilder sb = new StringBuilder("# Written by Tenantwright. Secrets: keep this file private (mode 0600).\n");
    spec.secrets().forEach((k, v) -> {
      String value = v.reveal();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\'' || c == '\\' || Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
          throw new PermanentException("compose.project spec, field 'secrets." + k + "': cannot be written to .env "
              + "so that Compose reads it literally (a quote, a backslash or a control character)");
        }
      }
      sb.append(SECRET_PREFIX).append(k).append("='").append(value).append("'\n");
    });
    return sb.toString();
  }

  /** The ownership marker in a compose file's {@code x-tenantwright.owner}, if the text has one. */
  public static Optional<String> ownerOf(String composeYaml) {
    try {
      JsonNode doc = SupportJson.yamlMapper().readTree(composeYaml);
      if (doc == null) {
        return Optional.empty();
      }
      JsonNode owner = doc.path("x-tenantwright").path("owner");
      return owner.isTextual() && !owner.asText().isBlank() ? Optional.of(owner.asText()) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** Escapes Compose interpolation: a literal {@code $} is written {@code $$}. */
  static String escape(String value) {
    return value.replace("$", "$$");
  }

  private static void putIfPresent(Map<String, Object> map, String key, @Nullable String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
