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
