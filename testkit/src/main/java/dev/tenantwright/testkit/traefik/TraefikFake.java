package dev.tenantwright.testkit.traefik;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tenantwright.testkit.BackendFake;
import dev.tenantwright.testkit.RouteRequest;
import dev.tenantwright.testkit.RouteResponse;
import dev.tenantwright.testkit.RouteHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake of Traefik v3's read-only API ({@code /api/...}) whose routers, services and middlewares are the
 * ones defined in the dynamic-configuration files of a file-provider directory, as a real Traefik with
 * {@code providers.file.directory} pointing there would show them.
 *
 * <p>On every API call the fake re-reads the directory (recursively; {@code .yml} and {@code .yaml} files
 * only, so a {@code name.yml.tmp} being written is ignored) and, when anything changed, rebuilds its
 * configuration the way Traefik's file provider does: one file that does not parse makes the whole rebuild
 * fail and the previous configuration stays active ({@link #loadErrors()}); a router, service or middleware
 * name defined in two files is taken from the first file in lexical order and skipped in the later one.
 *
 * <p>A rebuilt configuration is published as Traefik's configuration watcher does it
 * ({@code pkg/server/configurationwatcher.go}, {@code throttleProviderConfigReload}): at once when the
 * provider has published nothing for {@link #throttle(Duration) providersThrottleDuration} (default 2 s),
 * otherwise only when that much time has passed since the last publication — until then the API keeps showing
 * the <em>previous</em> routers, so a client that checks right after rewriting a file sees the old version.
 * Time is read from {@link #clock(Clock)} (share a test's fake clock to let its pauses pass it).
 * {@link #reloadAfterCalls(int)} additionally delays a publication by a number of API calls (default 0).
 *
 * <p>Routers are reported with Traefik's status rules ({@code pkg/config/runtime/runtime_http.go}
 * {@code RouterInfo.AddError}): {@code enabled}; {@code disabled} with an {@code error} list when a critical
 * error occurred (no valid entry point, a missing service or middleware, a rule that does not parse);
 * {@code warning} with the list when only non-critical ones did (one of several entry points unknown, an
 * unknown TLS certificate resolver) — such a router still serves. A missing router, service or
 * middleware is a 404 whose body is JSON ({@code {"message":"router not found: x@file"}}) sent as
 * {@code text/plain}, as Traefik's {@code http.Error} does.
 *
 * <p>{@link #liveObjects()} lists every file in the directory, so a leftover route file or temporary file
 * is a leak. Thread-safe, like every {@link BackendFake}.
 *
 * <pre>{@code
 * try (TraefikFake traefik = new TraefikFake(dynamicDir).reloadAfterCalls(2)) {
 *   // point the plugin's apiUrl at traefik.baseUrl() and its directory at dynamicDir
 *   assertThat(traefik.router("acme-demo-route@file")).hasValueSatisfying(r ->
 *       assertThat(r.get("status").asText()).isEqualTo("enabled"));
 * }
 * }</pre>
 */
public final class TraefikFake extends BackendFake {

  private static final Logger LOG = LoggerFactory.getLogger(TraefikFake.class);
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final Set<String> MATCHERS = Set.of("Host", "HostRegexp", "Path", "PathPrefix", "PathRegexp",
      "Method", "Header", "HeaderRegexp", "Query", "QueryRegexp", "ClientIP", "HostSNI", "HostSNIRegexp", "ALPN");
  private static final Pattern MATCHER = Pattern.compile("([A-Za-z]+)\\(\\s*`([^`]*)`\\s*\\)");

  private final Path directory;
  private final Set<String> entryPoints = new TreeSet<>(Set.of("web", "websecure"));
  private final Set<String> certResolvers = new TreeSet<>(Set.of("le", "letsencrypt"));
  private final Set<String> knownServices = new TreeSet<>(Set.of("api@internal", "noop@internal"));
  private int reloadAfterCalls;
  private Duration throttle = Duration.ofSeconds(2);
  private Clock clock = Clock.systemUTC();
  private Instant lastPublished;
  private String seenFingerprint = "";
  private Config pending;
  private int pendingCountdown;
  private Config active = Config.EMPTY;
  private final List<String> loadErrors = new ArrayList<>();
  private Function<String, List<String>> validator;
  private int validated;
  private String basicAuth;

  /** A fake reflecting the files in {@code directory}, which must exist. */
  public TraefikFake(Path directory) {
    super("traefik");
    this.directory = Objects.requireNonNull(directory, "directory");
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("not a directory: " + directory);
    }
    on("GET", "/api/http/routers", apiCall(req -> list(req, "routers")));
    on("GET", "/api/http/routers/{name}", apiCall(req -> one("router", req.pathParam("name"))));
    on("GET", "/api/http/services", apiCall(req -> list(req, "services")));
    on("GET", "/api/http/services/{name}", apiCall(req -> one("service", req.pathParam("name"))));
    on("GET", "/api/http/middlewares", apiCall(req -> list(req, "middlewares")));
    on("GET", "/api/http/middlewares/{name}", apiCall(req -> one("middleware", req.pathParam("name"))));
    on("GET", "/api/overview", apiCall(req -> overview()));
    on("GET", "/api/entrypoints", apiCall(req -> {
      ArrayNode out = json().createArrayNode();
      entryPoints.forEach(e -> out.addObject().put("name", e).put("address", e.equals("web") ? ":80" : ":443"));
      return RouteResponse.json(200, out);
    }));
    on("GET", "/api/version", apiCall(req -> RouteResponse.json(200,
        Map.of("Version", "3.7.0", "Codename", "fake", "startDate", "2026-01-01T00:00:00Z"))));
  }

  /** The directory the fake reflects. */
  public Path directory() {
    return directory;
  }

  /** Makes a changed configuration visible only after this many further API calls (default 0). */
  public synchronized TraefikFake reloadAfterCalls(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative");
    }
    this.reloadAfterCalls = n;
    return this;
  }

  /** Traefik's {@code providersThrottleDuration}: the least time between two publications (default 2 s). */
  public synchronized TraefikFake throttle(Duration duration) {
    if (duration == null || duration.isNegative()) {
      throw new IllegalArgumentException("throttle must not be negative");
    }
    this.throttle = duration;
    return this;
  }

  /** The clock the throttle is judged by (default the system clock). */
  public synchronized TraefikFake clock(Clock time) {
    this.clock = Objects.requireNonNull(time, "clock");
    return this;
  }

  /** Replaces the static configuration's entry points (default {@code web}, {@code websecure}). */
  public synchronized TraefikFake entryPoints(String... names) {
    entryPoints.clear();
    entryPoints.addAll(List.of(names));
    return this;
  }

  /** Replaces the configured certificate resolvers (default {@code le}, {@code letsencrypt}). */
  public synchronized TraefikFake certResolvers(String... names) {
    certResolvers.clear();
    certResolvers.addAll(List.of(names));
    return this;
  }

  /**
   * Declares services that other providers define, e.g. {@code acme-web@docker}, so that file routers may
   * point at them ({@code api@internal} and {@code noop@internal} always exist).
   */
  public synchronized TraefikFake knownService(String qualifiedName) {
    if (!qualifiedName.contains("@")) {
      throw new IllegalArgumentException("a service of another provider is named name@provider: " + qualifiedName);
    }
    knownServices.add(qualifiedName);
    return this;
  }

  /**
   * Protects the API with HTTP basic authentication, as a {@code basicAuth} middleware on the
   * {@code api@internal} router does: a call without these credentials gets {@code 401 Unauthorized}.
   */
  public synchronized TraefikFake requireBasicAuth(String user, String password) {
    String pair = Objects.requireNonNull(user, "user") + ":" + Objects.requireNonNull(password, "password");
    this.basicAuth = "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /**
   * Checks every file the fake loads with {@code validator} (text in, problems out); a file with problems fails
   * the rebuild like an unparsable one ({@link #loadErrors()}), so the previous configuration stays. Tests attach
   * the plugin's schema validator here so that every file a plugin puts in the directory is checked.
   */
  public synchronized TraefikFake validateWith(Function<String, List<String>> fileValidator) {
    this.validator = Objects.requireNonNull(fileValidator, "fileValidator");
    return this;
  }

  /** How many file reads the {@linkplain #validateWith validator} has checked. */
  public synchronized int validatedFiles() {
    return validated;
  }

  @Override
  public TraefikFake afterEachCall(IntConsumer listener) {
    super.afterEachCall(listener);
    return this;
  }

  /** The router as the API shows it now ({@code name@file}), after re-reading the directory. */
  public synchronized Optional<JsonNode> router(String qualifiedName) {
    refresh(false);
    return Optional.ofNullable(routerJson(qualifiedName));
  }

  /** The names of the active routers ({@code name@file}), after re-reading the directory. */
  public synchronized Set<String> routers() {
    refresh(false);
    Set<String> out = new TreeSet<>();
    active.routers.keySet().forEach(n -> out.add(n + "@file"));
    return out;
  }

  /** Why rebuilds failed, oldest first (a file that does not parse blocks every later change). */
  public synchronized List<String> loadErrors() {
    return List.copyOf(loadErrors);
  }

  /** Every regular file in the directory (recursively), as {@code file <relative path>}. */
  @Override
  public synchronized Collection<String> liveObjects() {
    List<String> out = new ArrayList<>();
    for (Path p : files(false)) {
      out.add("file " + directory.relativize(p));
    }
    return out;
  }

  @Override
  protected void resetState() {
    seenFingerprint = "";
    pending = null;
    lastPublished = null;
    active = Config.EMPTY;
    loadErrors.clear();
  }

  /** Traefik's error shape: a JSON body sent as {@code text/plain}. */
  @Override
  protected RouteResponse errorResponse(int status, String message) {
    ObjectNode body = newObject().put("message", message);
    return RouteResponse.text(status, "text/plain; charset=utf-8", body.toString() + "\n");
  }

  // ------------------------------------------------------------------------------------------------ handlers

  /** An API route: basic auth when {@linkplain #requireBasicAuth required}, then the directory re-read. */
  private RouteHandler apiCall(RouteHandler handler) {
    return req -> {
      if (basicAuth != null && !basicAuth.equals(req.header("Authorization").orElse(""))) {
        return RouteResponse.text(401, "text/plain; charset=utf-8", "401 Unauthorized\n")
            .withHeader("WWW-Authenticate", "Basic realm=\"traefik\"");
      }
      refresh(true);
      return handler.handle(req);
    };
  }

  private RouteResponse one(String kind, String name) {
    JsonNode node = switch (kind) {
      case "router" -> routerJson(name);
      case "service" -> serviceJson(name);
      default -> middlewareJson(name);
    };
    return node == null ? errorResponse(404, kind + " not found: " + name) : RouteResponse.json(200, node);
  }

  private RouteResponse list(RouteRequest req, String kind) {
    Map<String, Entry> source = switch (kind) {
      case "routers" -> active.routers;
      case "services" -> active.services;
      default -> active.middlewares;
    };
    String search = req.query("search").orElse("");
    String status = req.query("status").orElse("");
    List<JsonNode> items = new ArrayList<>();
    for (String n : source.keySet()) {
      JsonNode node = switch (kind) {
        case "routers" -> routerJson(n + "@file");
        case "services" -> serviceJson(n + "@file");
        default -> middlewareJson(n + "@file");
      };
      if (node != null && node.path("name").asText().contains(search)
          && (status.isEmpty() || status.equals(node.path("status").asText()))) {
        items.add(node);
      }
    }
    int perPage = Integer.parseInt(req.query("per_page").orElse("100"));
    int page = Integer.parseInt(req.query("page").orElse("1"));
    int from = Math.min(items.size(), (page - 1) * perPage);
    int to = Math.min(items.size(), from + perPage);
    ArrayNode out = json().createArrayNode();
    items.subList(from, to).forEach(out::add);
    String next = to < items.size() ? Integer.toString(page + 1) : "1";
    return RouteResponse.json(200, out).withHeader("X-Next-Page", next);
  }

  private RouteResponse overview() {
    ObjectNode o = newObject();
    ObjectNode http = o.putObject("http");
    for (String kind : List.of("routers", "services", "middlewares")) {
      ObjectNode counts = http.putObject(kind);
      int total = 0;
      int warnings = 0;
      int errors = 0;
      Map<String, Entry> source = kind.equals("routers") ? active.routers
          : kind.equals("services") ? active.services : active.middlewares;
      for (String n : source.keySet()) {
        total++;
        if (kind.equals("routers")) {
          String st = routerJson(n + "@file").path("status").asText();
          warnings += st.equals("warning") ? 1 : 0;
          errors += st.equals("disabled") ? 1 : 0;
        }
      }
      counts.put("total", total).put("warnings", warnings).put("errors", errors);
    }
    o.putArray("providers").add("File");
    return RouteResponse.json(200, o);
  }

  // ------------------------------------------------------------------------------------------------ views

  private JsonNode routerJson(String qualified) {
    String name = local(qualified);
    if (name == null) {
      return null;
    }
    Entry e = active.routers.get(name);
    if (e == null) {
      return null;
    }
    JsonNode def = e.definition();
    ObjectNode o = newObject();
    List<String> errors = new ArrayList<>();
    boolean critical = false;

    ArrayNode eps = o.putArray("entryPoints");
    List<String> using = new ArrayList<>();
    if (def.has("entryPoints") && def.get("entryPoints").isArray() && def.get("entryPoints").size() > 0) {
      for (JsonNode ep : def.get("entryPoints")) {
        eps.add(ep.asText());
        if (entryPoints.contains(ep.asText())) {
          using.add(ep.asText());
        } else {
          errors.add("entryPoint \"" + ep.asText() + "\" doesn't exist");
        }
      }
      if (using.isEmpty()) {
        errors.add("no valid entryPoint for this router");
        critical = true;
      }
    } else {
      entryPoints.forEach(ep -> {
        eps.add(ep);
        using.add(ep);
      });
    }
    if (def.has("middlewares")) {
      ArrayNode mws = o.putArray("middlewares");
      for (JsonNode m : def.get("middlewares")) {
        mws.add(m.asText());
        String q = qualify(m.asText());
        if (!middlewareExists(q)) {
          errors.add("middleware \"" + q + "\" does not exist");
          critical = true;
        }
      }
    }
    String service = def.path("service").asText("");
    o.put("service", service);
    String qs = qualify(service);
    if (service.isEmpty() || !serviceExists(qs)) {
      errors.add("the service \"" + qs + "\" does not exist");
      critical = true;
    }
    String rule = def.path("rule").asText("");
    o.put("rule", rule);
    String ruleError = checkRule(rule);
    if (ruleError != null) {
      errors.add(ruleError);
      critical = true;
    }
    o.put("priority", def.has("priority") ? def.get("priority").asLong() : rule.length());
    if (def.has("tls")) {
      JsonNode tls = def.get("tls");
      o.set("tls", tls.isObject() ? tls.deepCopy() : newObject());
      String resolver = tls.path("certResolver").asText("");
      if (!resolver.isEmpty() && !certResolvers.contains(resolver)) {
        errors.add("the router " + name + "@file uses a nonexistent resolver: " + resolver);
      }
    }
    // RouterInfo.AddError: a critical error disables the router, any other makes it a warning
    o.put("status", critical ? "disabled" : errors.isEmpty() ? "enabled" : "warning");
    if (!errors.isEmpty()) {
      ArrayNode err = o.putArray("error");
      errors.forEach(err::add);
    }
    ArrayNode u = o.putArray("using");
    using.forEach(u::add);
    o.put("name", name + "@file");
    o.put("provider", "file");
    return o;
  }

  private JsonNode serviceJson(String qualified) {
    String name = local(qualified);
    Entry e = name == null ? null : active.services.get(name);
    if (e == null) {
      return null;
    }
    ObjectNode o = ((ObjectNode) e.definition()).deepCopy();
    o.put("status", "enabled");
    ArrayNode usedBy = o.putArray("usedBy");
    active.routers.forEach((r, re) -> {
      if (qualify(re.definition().path("service").asText("")).equals(name + "@file")) {
        usedBy.add(r + "@file");
      }
    });
    JsonNode lb = e.definition().get("loadBalancer");
    if (lb != null) {
      ObjectNode status = o.putObject("serverStatus");
      lb.path("servers").forEach(s -> status.put(s.path("url").asText(), "UP"));
      o.put("type", "loadbalancer");
    } else {
      o.put("type", e.definition().fieldNames().hasNext() ? e.definition().fieldNames().next().toLowerCase(Locale.ROOT) : "");
    }
    o.put("name", name + "@file");
    o.put("provider", "file");
    return o;
  }

  private JsonNode middlewareJson(String qualified) {
    String name = local(qualified);
    Entry e = name == null ? null : active.middlewares.get(name);
    if (e == null) {
      return null;
    }
    ObjectNode o = ((ObjectNode) e.definition()).deepCopy();
    o.put("status", "enabled");
    ArrayNode usedBy = o.putArray("usedBy");
    active.routers.forEach((r, re) -> re.definition().path("middlewares").forEach(m -> {
      if (qualify(m.asText()).equals(name + "@file")) {
        usedBy.add(r + "@file");
      }
    }));
    o.put("name", name + "@file");
    o.put("provider", "file");
    o.put("type", e.definition().fieldNames().hasNext()
        ? e.definition().fieldNames().next().toLowerCase(Locale.ROOT) : "");
    return o;
  }

  private boolean serviceExists(String qualified) {
    if (qualified.endsWith("@file")) {
      return active.services.containsKey(qualified.substring(0, qualified.length() - 5));
    }
    return knownServices.contains(qualified);
  }

  private boolean middlewareExists(String qualified) {
    return qualified.endsWith("@file") && active.middlewares.containsKey(qualified.substring(0, qualified.length() - 5));
  }

  private static String qualify(String name) {
    return name.contains("@") ? name : name + "@file";
  }

  /** The file-provider name of {@code name@file} (or a bare name), null for another provider. */
  private static String local(String qualified) {
    if (!qualified.contains("@")) {
      return qualified;
    }
    return qualified.endsWith("@file") ? qualified.substring(0, qualified.length() - 5) : null;
  }

  /** A light check of v3 rule syntax: known matchers, one backticked value each, balanced parentheses. */
  private static String checkRule(String rule) {
    if (rule.isBlank()) {
      return "error while parsing rule : empty rule";
    }
    Matcher m = MATCHER.matcher(rule);
    StringBuilder rest = new StringBuilder();
    int last = 0;
    while (m.find()) {
      if (!MATCHERS.contains(m.group(1))) {
        return "error while parsing rule " + rule + ": unsupported function: " + m.group(1);
      }
      rest.append(rule, last, m.start()).append("M");
      last = m.end();
    }
    rest.append(rule.substring(last));
    String skeleton = rest.toString().replaceAll("\\s+", "");
    if (!skeleton.matches("[M!()&|]*") || skeleton.contains("`")) {
      return "error while parsing rule " + rule + ": syntax error";
    }
    int depth = 0;
    for (char c : skeleton.toCharArray()) {
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (depth < 0) {
        return "error while parsing rule " + rule + ": unbalanced parentheses";
      }
    }
    return depth == 0 ? null : "error while parsing rule " + rule + ": unbalanced parentheses";
  }

  // ------------------------------------------------------------------------------------------------ loading

  /** Re-reads the directory; {@code countCall} advances a pending reload's countdown. */
  private void refresh(boolean countCall) {
    List<Path> files = files(true);
    String fingerprint = fingerprint(files);
    if (!fingerprint.equals(seenFingerprint)) {
      seenFingerprint = fingerprint;
      try {
        pending = load(files);
        pendingCountdown = reloadAfterCalls;
      } catch (IllegalArgumentException e) {
        loadErrors.add(e.getMessage());
        LOG.debug("fake traefik: {} (the previous configuration stays active)", e.getMessage());
      }
    }
    if (pending != null) {
      Instant now = clock.instant();
      boolean throttled = lastPublished != null && now.isBefore(lastPublished.plus(throttle));
      if (pendingCountdown <= 0 && !throttled) {
        active = pending;
        pending = null;
        lastPublished = now;
      } else if (countCall && pendingCountdown > 0) {
        pendingCountdown--;
      }
    }
  }

  private Config load(List<Path> files) {
    Config c = new Config();
    for (Path file : files) {
      String rel = directory.relativize(file).toString();
      JsonNode doc;
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (validator != null) {
          validated++;
          List<String> problems = validator.apply(text);
          if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid " + rel + ": " + String.join("; ", problems));
          }
        }
        doc = YAML.readTree(text);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + rel + ": "
            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
      }
      if (doc == null || doc.isMissingNode() || doc.isNull()) {
        continue;
      }
      if (!doc.isObject()) {
        throw new IllegalArgumentException("cannot read " + rel + ": the document is not a mapping");
      }
      JsonNode http = doc.path("http");
      add(c.routers, http.path("routers"), rel, "router");
      add(c.services, http.path("services"), rel, "service");
      add(c.middlewares, http.path("middlewares"), rel, "middleware");
    }
    return c;
  }

  private static void add(Map<String, Entry> into, JsonNode section, String file, String kind) {
    if (!section.isObject()) {
      return;
    }
    section.properties().forEach(e -> {
      if (into.containsKey(e.getKey())) {
        LOG.debug("fake traefik: {} {} defined again in {} is skipped (first definition in {})", kind, e.getKey(),
            file, into.get(e.getKey()).file());
        return;
      }
      JsonNode def = e.getValue() == null || e.getValue().isNull() ? YAML.createObjectNode() : e.getValue();
      into.put(e.getKey(), new Entry(def, file));
    });
  }

  private List<Path> files(boolean configOnly) {
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !configOnly || isConfigFile(p))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
  }

  private static boolean isConfigFile(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yml") || n.endsWith(".yaml");
  }

  private static String fingerprint(List<Path> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Path p : files) {
        md.update(p.toString().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        try {
          md.update(Files.readAllBytes(p));
        } catch (IOException e) {
          md.update("unreadable".getBytes(StandardCharsets.UTF_8));
        }
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Entry(JsonNode definition, String file) {}

  private static final class Config {
    static final Config EMPTY = new Config();
    final Map<String, Entry> routers = new TreeMap<>();
    final Map<String, Entry> services = new TreeMap<>();
    final Map<String, Entry> middlewares = new LinkedHashMap<>();
  }
}
