package dev.tenantwright.plugin.incus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.plugin.incus.internal.IncusApi;
import dev.tenantwright.plugin.incus.internal.IncusClients;
import dev.tenantwright.plugin.support.RestClient;
import dev.tenantwright.plugin.support.RestRequest;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.TestStepContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@code incusd} of an integration test: its socket, image and bridge from {@code TW_IT_INCUS_*}
 * (defaulting to the CI machine's values), and one throw-away project per test class, created with
 * {@code features.images=false} and {@code features.profiles=false} so it sees the default project's image and
 * profile, and deleted — with anything left in it — by {@link #close()}.
 */
final class RealIncus implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RealIncus.class);

  final Path socket = Path.of(env("TW_IT_INCUS_SOCKET", IncusConfig.DEFAULT_SOCKET));
  final String image = env("TW_IT_INCUS_IMAGE", "test-image");
  final String bridge = env("TW_IT_INCUS_BRIDGE", "incusbr0");
  final String project;
  final RestClient admin;

  RealIncus(String purpose) {
    byte[] r = new byte[3];
    new SecureRandom().nextBytes(r);
    this.project = "tw-it-" + purpose + "-" + String.format("%02x%02x%02x", r[0], r[1], r[2]);
    this.admin = RestClient.builder().name("incus-admin").unixSocket(socket).baseUrl("http://incus").build();
    ObjectNode body = SupportJson.mapper().createObjectNode().put("name", project)
        .put("description", "Tenantwright integration test (deleted when the test ends)");
    body.putObject("config").put("features.images", "false").put("features.profiles", "false");
    admin.call(RestRequest.post("/1.0/projects", body));
    LOG.info("created Incus project {}", project);
  }

  /** The plugin configuration for the test project: local socket, proxies on 127.0.0.1. */
  IncusConfig config() {
    return new IncusConfig(socket.toString(), null, null, null, null, project, "127.0.0.1", null, 30, null);
  }

  /** The same as a {@code pluginConfig("incus", ...)} section. */
  Map<String, Object> configSection() {
    return Map.of("socket", socket.toString(), "project", project, "listenAddress", "127.0.0.1",
        "addressTimeoutSeconds", 30);
  }

  /** The plugin's API for the test project. */
  IncusApi api() {
    return IncusClients.forConfig(config());
  }

  /** The names of the instances in the test project. */
  List<String> instances() {
    JsonNode list = admin.call(RestRequest.get("/1.0/instances").query("project", project)).json().path("metadata");
    List<String> names = new ArrayList<>();
    for (JsonNode url : list) {
      String u = url.asText();
      int q = u.indexOf('?');
      String path = q < 0 ? u : u.substring(0, q);
      names.add(path.substring(path.lastIndexOf('/') + 1));
    }
    return names;
  }

  /** The instance as {@code GET /1.0/instances/{name}} describes it (config, devices, created_at...). */
  JsonNode instance(String name) {
    return admin.call(RestRequest.get("/1.0/instances/" + name).query("project", project)).json().path("metadata");
  }

  /** The names of an instance's snapshots. */
  List<String> snapshots(String instance) {
    List<String> names = new ArrayList<>();
    for (String s : lastSegments(admin.call(RestRequest.get("/1.0/instances/" + instance + "/snapshots")
        .query("project", project)).json().path("metadata"))) {
      names.add(s.indexOf('?') < 0 ? s : s.substring(0, s.indexOf('?')));
    }
    return names;
  }

  /**
   * Everything on the server, across all projects, that a test could leave behind: instances, images, storage
   * volumes of every pool, profiles, projects, and the forwards and DHCP leases of every managed network, and unfinished operations — as
   * {@code kind: name} lines, so that two readings taken before and after a test can be compared and searched
   * for a tenant's names.
   */
  Set<String> inventory() {
    Set<String> out = new TreeSet<>();
    list("/1.0/instances", true).forEach(n -> out.add("instance: " + n));
    list("/1.0/images", true).forEach(n -> out.add("image: " + n));
    list("/1.0/profiles", true).forEach(n -> out.add("profile: " + n));
    list("/1.0/projects", false).forEach(n -> out.add("project: " + n));
    for (String pool : list("/1.0/storage-pools", false)) {
      for (JsonNode v : admin.call(RestRequest.get("/1.0/storage-pools/" + pool + "/volumes")
          .query("all-projects", "true").query("recursion", 1)).json().path("metadata")) {
        out.add("volume: " + pool + "/" + v.path("project").asText() + "/" + v.path("type").asText() + "/"
            + v.path("name").asText());
      }
    }
    for (JsonNode net : admin.call(RestRequest.get("/1.0/networks").query("recursion", 1)).json().path("metadata")) {
      if (!net.path("managed").asBoolean()) {
        continue;
      }
      String n = net.path("name").asText();
      list("/1.0/networks/" + n + "/forwards", false).forEach(f -> out.add("forward: " + n + "/" + f));
      for (JsonNode lease : admin.call(RestRequest.get("/1.0/networks/" + n + "/leases")).json().path("metadata")) {
        if (!"gateway".equals(lease.path("type").asText())) {
          out.add("lease: " + n + "/" + lease.path("hostname").asText() + "/" + lease.path("address").asText());
        }
      }
    }
    JsonNode ops = admin.call(RestRequest.get("/1.0/operations").query("all-projects", "true")).json().path("metadata");
    // Finished operations stay listed for about five seconds; only unfinished ones are left-overs.
    ops.properties().stream().filter(e -> !Set.of("success", "failure", "cancelled").contains(e.getKey()))
        .forEach(e -> lastSegments(e.getValue()).forEach(id -> out.add("operation: " + e.getKey() + "/" + id)));
    return out;
  }

  private List<String> list(String path, boolean allProjects) {
    RestRequest req = RestRequest.get(path);
    if (allProjects) {
      req = req.query("all-projects", "true");
    }
    return lastSegments(admin.call(req).json().path("metadata"));
  }

  /** The last path segment of each URL, with its query (e.g. {@code ?project=p}) kept. */
  private static List<String> lastSegments(JsonNode urls) {
    List<String> names = new ArrayList<>();
    for (JsonNode url : urls) {
      String u = url.asText();
      int q = u.indexOf('?');
      String path = q < 0 ? u : u.substring(0, q);
      String name = path.substring(path.lastIndexOf('/') + 1);
      names.add(q < 0 ? name : name + u.substring(q));
    }
    return names;
  }

  /** The bridge's IPv4 prefix, e.g. {@code 10.77.0.} for {@code 10.77.0.1/24}. */
  String bridgePrefix() {
    String cidr = admin.call(RestRequest.get("/1.0/networks/" + bridge)).json().path("metadata").path("config")
        .path("ipv4.address").asText();
    String address = cidr.substring(0, cidr.indexOf('/'));
    return address.substring(0, address.lastIndexOf('.') + 1);
  }

  /** Runs a command in an instance and returns its exit code and stdout. */
  Exec exec(String instance, String... argv) {
    TestStepContext ctx = TestStepContext.builder().tenant("it").environment("exec", EnvironmentKind.DEMO)
        .step("probe").run("it").config(config()).budget(Duration.ofMinutes(1)).realTime().build();
    IncusApi.ExecResult r = api().exec(instance, List.of(argv), Map.of(), null, null, null, "probe", ctx);
    String out = api().readLog(r.stdoutPath());
    api().deleteLog(r.stdoutPath());
    api().deleteLog(r.stderrPath());
    return new Exec(r.exitCode(), out);
  }

  /** What a probe command did. */
  record Exec(int exitCode, String stdout) {}

  /** A port on 127.0.0.1 that was free a moment ago. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes every instance left in the project, then the project. */
  @Override
  public void close() {
    for (String name : instances()) {
      LOG.warn("deleting instance {} left in project {}", name, project);
      ObjectNode stop = SupportJson.mapper().createObjectNode().put("action", "stop").put("force", true);
      RestResponse r = admin.call(RestRequest.put("/1.0/instances/" + name + "/state", stop).query("project", project)
          .expect(400, 404, 500));
      waitFor(r);
      waitFor(admin.call(RestRequest.delete("/1.0/instances/" + name).query("project", project).expect(400, 404)));
    }
    admin.call(RestRequest.delete("/1.0/projects/" + project).expect(404));
    LOG.info("deleted Incus project {}", project);
  }

  private void waitFor(RestResponse r) {
    String op = r.json().path("operation").asText("");
    if (r.status() == 202 && !op.isEmpty()) {
      admin.call(RestRequest.get(op + "/wait").query("timeout", 30).timeout(Duration.ofSeconds(45)).expect(404));
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
