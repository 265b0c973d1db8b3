package dev.tenantwright.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.javaprop.JavaPropsMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a server runs: where it listens, which journal it uses, where its plugins and blueprints are, its limits.
 * Read from a YAML or {@code .properties} file ({@link #load}) or built in code ({@link #builder}); every value has
 * a default that runs a single node on an embedded H2 journal under {@code ./data}.
 *
 * <pre>{@code
 * port: 8080
 * host: 0.0.0.0
 * dataDir: /var/lib/tenantwright
 * journal:                       # absent: embedded H2 in dataDir
 *   url: jdbc:postgresql://db/tenantwright
 *   user: tw
 *   password: ...
 * node: web-1
 * publicUrl: https://tw.example.com
 * limits: {requestBytes: 1048576, ratePerMinute: 600, maxSubscribers: 5000}
 * approvals: {twoPerson: true}
 * plugins: {vercel: {token: ...}, cloudflare: {...}}
 * }</pre>
 */
public final class ServerConfig {

  private final int port;
  private final String host;
  private final Path dataDir;
  private final Path pluginsDir;
  private final Path blueprintsDir;
  private final String journalUrl;
  private final String journalUser;
  private final String journalPassword;
  private final String node;
  private final String publicUrl;
  private final long requestBytes;
  private final int ratePerMinute;
  private final int maxSubscribers;
  private final boolean twoPersonApproval;
  private final boolean sandbox;
  private final String defaultBlueprint;
  private final Map<String, Map<String, Object>> plugins;
  private final Path secretKeyFile;
  private final java.time.Duration lease;
  private final List<String> egressAllow;
  private final List<String> platformDomains;

  private ServerConfig(Builder b) {
    this.egressAllow = List.copyOf(b.egressAllow);
    this.platformDomains = List.copyOf(b.platformDomains);
    this.secretKeyFile = b.secretKeyFile;
    this.lease = b.lease;
    this.port = b.port;
    this.host = b.host;
    this.dataDir = b.dataDir;
    this.pluginsDir = b.pluginsDir;
    this.blueprintsDir = b.blueprintsDir;
    this.journalUrl = b.journalUrl;
    this.journalUser = b.journalUser;
    this.journalPassword = b.journalPassword;
    this.node = b.node;
    this.publicUrl = b.publicUrl;
    this.requestBytes = b.requestBytes;
    this.ratePerMinute = b.ratePerMinute;
    this.maxSubscribers = b.maxSubscribers;
    this.twoPersonApproval = b.twoPersonApproval;
    this.sandbox = b.sandbox;
    this.defaultBlueprint = b.defaultBlueprint;
    this.plugins = Map.copyOf(b.plugins);
  }

  /** Defaults: port 8080 on 127.0.0.1, {@code ./data}, {@code ./plugins}, {@code ./blueprints}, embedded H2. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a YAML ({@code .yaml}/{@code .yml}) or properties ({@code .properties}) file; keys as in the class
   * comment (properties use dots: {@code journal.url}, {@code limits.ratePerMinute}). Relative paths are resolved
   * against the working directory.
   *
   * @throws IllegalArgumentException naming the file and the key that is wrong or unknown
   */
  public static Builder load(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    ObjectMapper mapper = name.endsWith(".properties") ? new JavaPropsMapper() : new YAMLMapper();
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    JsonNode root;
    try {
      root = mapper.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the server configuration " + file + ": " + e.getMessage(), e);
    }
    Builder b = builder();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return b;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(file + ": the configuration must be a map of keys");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      String key = e.getKey();
      switch (key) {
        case "port" -> b.port(integer(file, key, v));
        case "host" -> b.host(v.asText());
        case "dataDir" -> b.dataDir(Path.of(v.asText()));
        case "pluginsDir" -> b.pluginsDir(Path.of(v.asText()));
        case "blueprintsDir" -> b.blueprintsDir(Path.of(v.asText()));
        case "node" -> b.node(v.asText());
        case "publicUrl" -> b.publicUrl(v.asText());
        case "sandbox" -> b.sandbox(bool(file, key, v));
        case "defaultBlueprint" -> b.defaultBlueprint(v.asText());
        case "secretKeyFile" -> b.secretKeyFile(Path.of(v.asText()));
        case "leaseSeconds" -> b.lease(java.time.Duration.ofSeconds(integer(file, key, v)));
        case "egressAllow" -> strings(file, key, v).forEach(b::egressAllow);
        case "platformDomains" -> strings(file, key, v).forEach(b::platformDomain);
        case "journal" -> b.journal(text(v, "url"), text(v, "user"), text(v, "password"));
        case "limits" -> {
          allowOnly(file, key, v, List.of("requestBytes", "ratePerMinute", "maxSubscribers"));
          if (v.has("requestBytes")) {
            b.requestBytes(integer(file, "limits.requestBytes", v.get("requestBytes")));
          }
          if (v.has("ratePerMinute")) {
            b.ratePerMinute(integer(file, "limits.ratePerMinute", v.get("ratePerMinute")));
          }
          if (v.has("maxSubscribers")) {
            b.maxSubscribers(integer(file, "limits.maxSubscribers", v.get("maxSubscribers")));
          }
        }
        case "approvals" -> {
          allowOnly(file, key, v, List.of("twoPerson"));
          b.twoPersonApproval(v.has("twoPerson") && bool(file, "approvals.twoPerson", v.get("twoPerson")));
        }
        case "plugins" -> {
          if (!v.isObject()) {
            throw new IllegalArgumentException(file + ": 'plugins' must map a backend to its settings");
          }
          v.fields().forEachRemaining(p -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> section = new ObjectMapper().convertValue(p.getValue(), LinkedHashMap.class);
            b.plugin(p.getKey(), section);
          });
        }
        default -> throw new IllegalArgumentException(file + ": unknown key '" + key + "' (known: port, host,"
            + " dataDir, pluginsDir, blueprintsDir, journal, node, publicUrl, limits, approvals, plugins, sandbox,"
            + " defaultBlueprint, secretKeyFile, leaseSeconds, egressAllow, platformDomains)");
      }
    }
    return b;
  }

  private static List<String> strings(Path file, String key, JsonNode v) {
    if (!v.isArray()) {
      throw new IllegalArgumentException(file + ": '" + key + "' must be a list");
    }
    List<String> out = new java.util.ArrayList<>();
    v.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static String text(JsonNode v, String field) {
    JsonNode f = v.get(field);
    return f == null || f.isNull() ? null : f.asText();
  }

  private static void allowOnly(Path file, String key, JsonNode v, List<String> known) {
    if (!v.isObject()) {
      throw new IllegalArgumentException(file + ": '" + key + "' must be a map with " + known);
    }
    v.fieldNames().forEachRemaining(f -> {
      if (!known.contains(f)) {
        throw new IllegalArgumentException(file + ": unknown key '" + key + "." + f + "' (known: " + known + ")");
      }
    });
  }

  private static int integer(Path file, String key, JsonNode v) {
    try {
      return Integer.parseInt(v.asText().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + ": '" + key + "' must be a whole number, was '" + v.asText() + "'");
    }
  }

  private static boolean bool(Path file, String key, JsonNode v) {
    String s = v.asText().trim().toLowerCase(Locale.ROOT);
    if (!s.equals("true") && !s.equals("false")) {
      throw new IllegalArgumentException(file + ": '" + key + "' must be true or false, was '" + v.asText() + "'");
    }
    return s.equals("true");
  }

  public int port() {
    return port;
  }

  public String host() {
    return host;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path pluginsDir() {
    return pluginsDir;
  }

  public Path blueprintsDir() {
    return blueprintsDir;
  }

  /** The PostgreSQL (or other JDBC) journal's URL, or null for the embedded H2 journal in {@link #dataDir()}. */
  public String journalUrl() {
    return journalUrl;
  }

  public String journalUser() {
    return journalUser;
  }

  public String journalPassword() {
    return journalPassword;
  }

  /** This node's name in leases and logs. */
  public String node() {
    return node;
  }

  /** The address GitHub and browsers reach this server at, for the push webhook URLs it registers. */
  public String publicUrl() {
    return publicUrl;
  }

  public long requestBytes() {
    return requestBytes;
  }

  public int ratePerMinute() {
    return ratePerMinute;
  }

  public int maxSubscribers() {
    return maxSubscribers;
  }

  public boolean twoPersonApproval() {
    return twoPersonApproval;
  }

  public boolean sandbox() {
    return sandbox;
  }

  public String defaultBlueprint() {
    return defaultBlueprint;
  }

  public Map<String, Map<String, Object>> plugins() {
    return plugins;
  }

  /** The key that seals stored secrets; every node of a cluster needs the same. Default {@code dataDir/secret.key}. */
  public Path secretKeyFile() {
    return secretKeyFile != null ? secretKeyFile : dataDir.resolve("secret.key");
  }

  /** Addresses steps may reach although they are internal (a backend on the private network), as the SDK takes them. */
  public List<String> egressAllow() {
    return egressAllow;
  }

  /** The DNS zones whose names the platform gives out to tenants, as the SDK takes them. */
  public List<String> platformDomains() {
    return platformDomains;
  }

  /** How long a run's lease lasts: after a node dies, another takes its runs over within about this time. */
  public java.time.Duration lease() {
    return lease;
  }

  /** Builds a {@link ServerConfig}; every setter checks its value. */
  public static final class Builder {
    private int port = 8080;
    private String host = "127.0.0.1";
    private Path dataDir = Path.of("data");
    private Path pluginsDir = Path.of("plugins");
    private Path blueprintsDir = Path.of("blueprints");
    private String journalUrl;
    private String journalUser;
    private String journalPassword;
    private String node = defaultNode();
    private String publicUrl;
    private long requestBytes = 1 << 20;
    private int ratePerMinute = 600;
    private int maxSubscribers = 5000;
    private boolean twoPersonApproval;
    private boolean sandbox;
    private String defaultBlueprint;
    private final Map<String, Map<String, Object>> plugins = new LinkedHashMap<>();
    private Path secretKeyFile;
    private java.time.Duration lease = java.time.Duration.ofSeconds(30);
    private final List<String> egressAllow = new java.util.ArrayList<>();
    private final List<String> platformDomains = new java.util.ArrayList<>();

    /** Allows steps to reach an internal address or network (e.g. {@code 10.0.0.0/8}, {@code 127.0.0.1}). */
    public Builder egressAllow(String entry) {
      egressAllow.add(Objects.requireNonNull(entry, "egressAllow"));
      return this;
    }

    /** A DNS zone whose names the platform gives out (e.g. {@code sites.example.com}). */
    public Builder platformDomain(String zone) {
      platformDomains.add(Objects.requireNonNull(zone, "platformDomains"));
      return this;
    }

    private Builder() {}

    public Builder secretKeyFile(Path file) {
      this.secretKeyFile = Objects.requireNonNull(file, "secretKeyFile");
      return this;
    }

    /** The run lease (default 30 s); shorter means faster takeover after a node dies, more lease renewals. */
    public Builder lease(java.time.Duration lease) {
      if (lease.toMillis() < 1000) {
        throw new IllegalArgumentException("leaseSeconds must be at least 1, was " + lease);
      }
      this.lease = lease;
      return this;
    }

    private static String defaultNode() {
      String host = System.getenv("HOSTNAME");
      return (host == null || host.isBlank() ? "node" : host) + "-" + ProcessHandle.current().pid();
    }

    /** The port; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "dataDir");
      return this;
    }

    public Builder pluginsDir(Path dir) {
      this.pluginsDir = Objects.requireNonNull(dir, "pluginsDir");
      return this;
    }

    public Builder blueprintsDir(Path dir) {
      this.blueprintsDir = Objects.requireNonNull(dir, "blueprintsDir");
      return this;
    }

    /** A shared journal (PostgreSQL), so that several nodes serve the same tenants. */
    public Builder journal(String url, String user, String password) {
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException("journal.url is required when 'journal' is given");
      }
      this.journalUrl = url;
      this.journalUser = user;
      this.journalPassword = password;
      return this;
    }

    public Builder node(String node) {
      if (node == null || !node.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
        throw new IllegalArgumentException("node must be letters, digits, '.', '_' or '-' (at most 63), was '"
            + node + "'");
      }
      this.node = node;
      return this;
    }

    public Builder publicUrl(String url) {
      if (url != null && !url.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
        throw new IllegalArgumentException("publicUrl must be an http(s) URL without query, was '" + url + "'");
      }
      this.publicUrl = url == null ? null : url.replaceAll("/+$", "");
      return this;
    }

    /** The largest request body accepted (413 above it). */
    public Builder requestBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("limits.requestBytes must be at least 1024, was " + bytes);
      }
      this.requestBytes = bytes;
      return this;
    }

    /** The default number of requests a token may make per minute (a token may carry its own). */
    public Builder ratePerMinute(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("limits.ratePerMinute must be at least 1, was " + n);
      }
      this.ratePerMinute = n;
      return this;
    }

    /** The most event streams one node keeps open (503 above it). */
    public Builder maxSubscribers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("limits.maxSubscribers must be at least 1, was " + n);
      }
      this.maxSubscribers = n;
      return this;
    }

    /** An approval of a destructive change to live must come from another person than the one who asked. */
    public Builder twoPersonApproval(boolean required) {
      this.twoPersonApproval = required;
      return this;
    }

    /** Every backend played by in-process fakes, with the example blueprints: to try the server without accounts. */
    public Builder sandbox(boolean enabled) {
      this.sandbox = enabled;
      return this;
    }

    public Builder defaultBlueprint(String name) {
      this.defaultBlueprint = name;
      return this;
    }

    /** A plugin's configuration section, as {@code Tenantwright.Builder#pluginConfig} takes it. */
    public Builder plugin(String backend, Map<String, Object> section) {
      plugins.put(Objects.requireNonNull(backend, "backend"), Map.copyOf(section));
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(this);
    }
  }
}
