package dev.tenantwright.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.vercel.VercelFake;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes on one PostgreSQL journal, sharing one Vercel fake: a run started on node A is followed and
 * cancelled through node B; another run started on A is followed on B while A is killed with SIGKILL, and B takes
 * the run over — its stream goes on to the run's end without a gap or a repeat.
 */
class ServerClusterIT {

  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir
  Path dir;
  EmbeddedPostgres postgres;
  VercelFake vercel;
  final List<Process> nodes = new ArrayList<>();
  String token;

  @BeforeEach
  void start() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
    vercel = new VercelFake();
    vercel.inject(Fault.latency(Duration.ofMillis(400)));
    // the built-in plugins (vercel among them) come with the server: ./plugins stays empty
    Files.createDirectories(dir.resolve("plugins"));
    Path blueprints = Files.createDirectories(dir.resolve("blueprints"));
    try (var in = getClass().getResourceAsStream("/cluster/cluster-site.yaml")) {
      Files.copy(in, blueprints.resolve("cluster-site.yaml"));
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path keyFile = dir.resolve("secret.key");
    Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(key));
    Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    ServerConfig probe = config("probe", 0).build();
    try (ServerStore store = ServerStore.open(probe)) {
      token = new ApiTokens(store, java.time.Clock.systemUTC(), 1000).issue("ops", "admin", null, null).secret();
    }
  }

  private ServerConfig.Builder config(String node, int port) {
    return ServerConfig.builder().node(node).port(port).dataDir(dir.resolve("data-" + node))
        .pluginsDir(dir.resolve("plugins")).blueprintsDir(dir.resolve("blueprints")).defaultBlueprint("cluster-site")
        .journal(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres")
        .secretKeyFile(dir.resolve("secret.key")).lease(Duration.ofSeconds(3)).egressAllow("127.0.0.1")
        .plugin("vercel", java.util.Map.of("token", VercelFake.TOKEN, "baseUrl", vercel.baseUrl(),
            "pollInterval", "50ms", "maxPollInterval", "200ms"));
  }

  /** Starts a node in its own JVM from a YAML file, and waits until it answers. */
  private String node(String name) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path yaml = dir.resolve(name + ".yaml");
    Files.writeString(yaml, String.join("\n",
        "node: " + name,
        "port: " + port,
        "dataDir: " + dir.resolve("data-" + name),
        "pluginsDir: " + dir.resolve("plugins"),
        "blueprintsDir: " + dir.resolve("blueprints"),
        "defaultBlueprint: cluster-site",
        "secretKeyFile: " + dir.resolve("secret.key"),
        "leaseSeconds: 3",
        "egressAllow: ['127.0.0.1']",
        "journal:",
        "  url: " + postgres.getJdbcUrl("postgres", "postgres"),
        "  user: postgres",
        "  password: postgres",
        "plugins:",
        "  vercel:",
        "    token: " + VercelFake.TOKEN,
        "    baseUrl: " + vercel.baseUrl(),
        "    pollInterval: 50ms",
        "    maxPollInterval: 200ms",
        ""));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(), "--config", yaml.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    nodes.add(p);
    String url = "http://127.0.0.1:" + port;
    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
      if (!p.isAlive()) {
        throw new AssertionError("node " + name + " exited: " + Files.readString(dir.resolve(name + ".log")));
      }
      return http.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    });
    return url;
  }

  @AfterEach
  void stop() throws IOException {
    for (Process p : nodes) {
      p.destroyForcibly();
    }
    vercel.close();
    postgres.close();
  }

  private static String tenant(ApiClient api, String company) {
    ApiClient.Answer a = api.post("/tenants", "{\"company\":\"" + company + "\",\"email\":\"ops@"
        + company.toLowerCase().replace(' ', '-') + ".example\"}");
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    return a.json().get("id").asText();
  }

  @Test
  void aRunStartedOnOneNodeIsFollowedCancelledAndTakenOverOnTheOther() throws Exception {
    ApiClient a = new ApiClient(node("a"), token);
    ApiClient b = new ApiClient(node("b"), token);

    // 1. start on A, follow and cancel on B: A rolls it back, B's stream shows it
    String first = tenant(a, "Cancelled Corp");
    String run1 = a.post("/tenants/" + first + "/environments", "{\"kind\":\"DEMO\"}").json().get("id").asText();
    try (EventStream s = new EventStream(b.base() + "/runs/" + run1 + "/events", token, null)) {
      assertThat(s.until("STEP_STARTED", WAIT)).isNotEmpty();
      assertThat(b.post("/runs/" + run1 + "/cancel", null).status()).isEqualTo(202);
      List<EventStream.Sse> rest = s.until("RUN_ROLLED_BACK", WAIT);
      assertThat(rest).extracting(EventStream.Sse::name).contains("RUN_CANCELLING", "RUN_ROLLED_BACK");
    }
    assertThat(b.get("/runs/" + run1).json().get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(vercel.liveObjects()).as("the rollback left nothing").isEmpty();

    // 2. start on A, follow on B, kill A with SIGKILL: B takes the run over and its stream goes on to the end
    String second = tenant(a, "Survivor Corp");
    String run2 = a.post("/tenants/" + second + "/environments", "{\"kind\":\"DEMO\"}").json().get("id").asText();
    List<EventStream.Sse> seen = new ArrayList<>();
    try (EventStream s = new EventStream(b.base() + "/runs/" + run2 + "/events", token, null)) {
      seen.addAll(s.until("STEP_SUCCEEDED", WAIT));
      assertThat(seen).extracting(EventStream.Sse::name).contains("STEP_SUCCEEDED");
      Process nodeA = nodes.get(0);
      nodeA.destroyForcibly(); // SIGKILL: no drain, no lease given back
      nodeA.waitFor();
      seen.addAll(s.until("RUN_SUCCEEDED", WAIT));
    }
    assertThat(seen.get(seen.size() - 1).name()).isEqualTo("RUN_SUCCEEDED");
    assertThat(seen).extracting(EventStream.Sse::id).isSorted().doesNotHaveDuplicates();
    JsonNode done = b.get("/runs/" + run2).json();
    assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(done.get("steps")).allSatisfy(st -> assertThat(st.get("state").asText()).isEqualTo("SUCCEEDED"));
    assertThat(Files.readString(dir.resolve("b.log"))).contains("taking over run " + run2);
  }
}
