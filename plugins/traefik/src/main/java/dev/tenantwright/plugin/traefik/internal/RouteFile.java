package dev.tenantwright.plugin.traefik.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.plugin.traefik.TraefikConfig;
import dev.tenantwright.plugin.traefik.RouteSpec;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One route's dynamic-configuration file, {@code <directory>/<name>.yml}: rendering, the ownership comment,
 * and atomic replacement.
 *
 * <p>The file starts with the comment line {@code # tenantwright-owner: <marker>} — the Traefik schema allows
 * no extra keys, and a comment is invisible to Traefik — followed by YAML written with the shared mapper.
 * Writes go to {@code <name>.yml.tmp} in the same directory (an extension Traefik ignores), are flushed with
 * fsync, renamed over the target in one atomic step, and the directory is flushed, so Traefik never reads a
 * partial file (one unparsable file would block every route). Immutable.
 */
public final class RouteFile {

  /** The first line's prefix. */
  public static final String OWNER_PREFIX = "# tenantwright-owner: ";

  private static final Pattern OWNER = Pattern.compile("#\\s*tenantwright-owner:\\s*(\\S+)\\s*");

  private final Path file;
  private final String name;

  /** The file of route {@code name} in {@code directory}; the name must already be validated. */
  public RouteFile(Path directory, String name) {
    this.name = name;
    this.file = directory.resolve(name + ".yml");
  }

  /** The file. */
  public Path path() {
    return file;
  }

  /** The main router's name. */
  public String router() {
    return name;
  }

  /** The plain-HTTP redirect router's name. */
  public String redirectRouter() {
    return name + "-http";
  }

  /** Whether the file exists. */
  public boolean exists() {
    return Files.isRegularFile(file);
  }

  /** The file's content, if it exists. */
  public Optional<String> read() {
    if (!exists()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RetryableException("cannot read " + file + ": " + e, null, false, e);
    }
  }

  /** The ownership marker in the leading comment lines of {@code content}, if any. */
  public static Optional<String> ownerOf(String content) {
    try (BufferedReader r = new BufferedReader(new StringReader(content))) {
      String line;
      while ((line = r.readLine()) != null) {
        String t = line.strip();
        if (t.isEmpty()) {
          continue;
        }
        if (!t.startsWith("#")) {
          break;
        }
        Matcher m = OWNER.matcher(t);
        if (m.matches()) {
          return Optional.of(m.group(1));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Optional.empty();
  }

  /** The names of the routers {@link #render} writes for {@code spec}. */
  public List<String> routers(RouteSpec spec, TraefikConfig config) {
    List<String> out = new ArrayList<>();
    out.add(router());
    if (redirects(spec, config)) {
      out.add(redirectRouter());
    }
    return out;
  }

  /** The service the routers forward to, as the spec names it or as this file defines it. */
  public String service(RouteSpec spec) {
    return spec.service() != null ? spec.service() : name;
  }

  /**
   * The routers {@link #render} writes, by name, each as its definition ({@code entryPoints}, {@code rule},
   * {@code service}, {@code middlewares}, ...): what Traefik's API must show before a check may judge them.
   */
  public Map<String, Map<String, Object>> routerDefinitions(RouteSpec spec, TraefikConfig config) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    build(spec, config, out, new LinkedHashMap<>());
    return out;
  }

  /** The file's full text: ownership comment, then the YAML. */
  public String render(RouteSpec spec, TraefikConfig config, String owner) {
    Map<String, Map<String, Object>> routers = new LinkedHashMap<>();
    Map<String, Object> middlewares = new LinkedHashMap<>();
    build(spec, config, routers, middlewares);
    Map<String, Object> http = new LinkedHashMap<>();
    http.put("routers", routers);
    if (spec.servers() != null) {
      Map<String, Object> lb = new LinkedHashMap<>();
      List<Object> servers = new ArrayList<>();
      spec.servers().forEach(u -> servers.add(Map.of("url", u)));
      lb.put("servers", servers);
      if (spec.passHostHeader() != null) {
        lb.put("passHostHeader", spec.passHostHeader());
      }
      if (spec.healthCheckPath() != null) {
        Map<String, Object> hc = new LinkedHashMap<>();
        hc.put("path", spec.healthCheckPath());
        hc.put("interval", "10s");
        hc.put("timeout", "3s");
        lb.put("healthCheck", hc);
      }
      http.put("services", Map.of(name, Map.of("loadBalancer", lb)));
    }
    if (!middlewares.isEmpty()) {
      http.put("middlewares", middlewares);
    }
    String yaml;
    try {
      yaml = SupportJson.yamlMapper().writeValueAsString(Map.of("http", http));
    } catch (JsonProcessingException e) {
      throw new PermanentException("traefik route " + name + ": cannot render: " + e.getOriginalMessage(), e);
    }
    return OWNER_PREFIX + owner + "\n# Written by Tenantwright for route " + name
        + "; edits are overwritten.\n" + yaml;
  }

  private void build(RouteSpec spec, TraefikConfig config, Map<String, Map<String, Object>> routers,
      Map<String, Object> middlewares) {
    String service = service(spec);

    Map<String, Object> main = new LinkedHashMap<>();
    List<String> eps = spec.entryPoints() != null ? spec.entryPoints()
        : spec.tls() ? config.entryPoints() : List.of(config.webEntryPoint());
    main.put("entryPoints", eps);
    main.put("rule", spec.rule());
    main.put("service", service);
    if (spec.stripPrefix()) {
      String strip = name + "-strip";
      middlewares.put(strip, Map.of("stripPrefix", Map.of("prefixes", List.of(spec.pathPrefix()))));
      main.put("middlewares", List.of(strip));
    }
    if (spec.priority() != null) {
      main.put("priority", spec.priority());
    }
    if (spec.tls()) {
      Map<String, Object> tls = new LinkedHashMap<>();
      String resolver = spec.certResolver() != null ? spec.certResolver() : config.certResolver();
      if (resolver != null) {
        tls.put("certResolver", resolver);
      }
      main.put("tls", tls);
    }
    routers.put(router(), main);

    if (redirects(spec, config)) {
      String https = name + "-https";
      Map<String, Object> redirect = new LinkedHashMap<>();
      redirect.put("scheme", "https");
      redirect.put("permanent", true);
      middlewares.put(https, Map.of("redirectScheme", redirect));
      Map<String, Object> plain = new LinkedHashMap<>();
      plain.put("entryPoints", List.of(config.webEntryPoint()));
      plain.put("rule", spec.rule());
      plain.put("service", service);
      plain.put("middlewares", List.of(https));
      if (spec.priority() != null) {
        plain.put("priority", spec.priority());
      }
      routers.put(redirectRouter(), plain);
    }
  }

  /** Replaces the file atomically with {@code content}. */
  public void write(String content) {
    Path dir = file.getParent();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(dir);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the write failure is the one to report
      }
      throw new RetryableException("cannot write " + file + ": " + e, null, false, e);
    }
  }

  /** Deletes the file (and a leftover temporary file); a missing file is fine. */
  public void delete() {
    try {
      boolean removed = Files.deleteIfExists(file);
      Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".tmp"));
      if (removed) {
        syncDirectory(file.getParent());
      }
    } catch (IOException e) {
      throw new RetryableException("cannot delete " + file + ": " + e, null, false, e);
    }
  }

  private static boolean redirects(RouteSpec spec, TraefikConfig config) {
    boolean redirect = spec.redirectToHttps() != null ? spec.redirectToHttps() : config.redirectToHttps();
    return spec.tls() && redirect;
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every file system can sync a directory; the rename is atomic regardless.
    }
  }
}
