package dev.tenantwright.core.internal.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StatusWebhook;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.WebhookDelivery;
import dev.tenantwright.core.WebhookSignature;
import dev.tenantwright.spi.EnvironmentKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status webhooks: signed, journaled, retried, delivered once per event across restarts. */
class StatusWebhooksTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dataDir;

  private final byte[] secret = new byte[32];
  private HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile IntSupplier answer = () -> 204;
  private final List<Tenantwright> opened = new ArrayList<>();

  record Received(Map<String, List<String>> headers, byte[] body, boolean valid) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().get(0)).orElse(null);
    }
  }

  @BeforeEach
  void receiver() throws IOException {
    new SecureRandom().nextBytes(secret);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hooks", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      Map<String, List<String>> headers = Map.copyOf(ex.getRequestHeaders());
      Received r = new Received(headers, body, false);
      boolean valid = WebhookSignature.verify(secret, r.header(WebhookSignature.ID), r.header(WebhookSignature.TIMESTAMP),
          body, r.header(WebhookSignature.SIGNATURE), Duration.ofMinutes(5), Clock.systemUTC());
      received.add(new Received(headers, body, valid));
      int status = answer.getAsInt();
      if (status == 503) {
        ex.getResponseHeaders().add("Retry-After", "0");
      }
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    for (Tenantwright tw : opened) {
      tw.close();
    }
    server.stop(0);
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks");
  }

  private Tenantwright open(StatusWebhook hook) {
    Tenantwright.Builder b = Tenantwright.builder().embedded(dataDir)
        .blueprint(Blueprint.builder("site").resource("admin-password", "secret", r -> r.param("length", 24)).build());
    if (hook != null) {
      b.statusWebhook(hook);
    }
    Tenantwright tw = b.build();
    opened.add(tw);
    return tw;
  }

  private StatusWebhook hook() {
    return StatusWebhook.to("master-db", url(), secret).retries(4, Duration.ofMillis(50), Duration.ofMillis(200));
  }

  private List<Received> ofType(String type) {
    return received.stream().filter(r -> r.json().path("type").asText().equals(type)).toList();
  }

  @Test
  void stateChangesArriveSignedWithTheEnvironmentStateAndTheStatusName() {
    Tenantwright tw = open(hook());
    Tenant t = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
    assertThat(tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(WAIT).state())
        .isEqualTo(RunState.SUCCEEDED);

    Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> ofType("run.succeeded").size() == 1);
    assertThat(received).allSatisfy(r -> assertThat(r.valid()).as("signature").isTrue());
    JsonNode done = ofType("run.succeeded").get(0).json();
    assertThat(done.path("tenant").asText()).isEqualTo("abc-corporation");
    assertThat(done.path("environment").asText()).isEqualTo("live");
    assertThat(done.path("site").asText()).isEqualTo("main");
    assertThat(done.path("runKind").asText()).isEqualTo("PROVISION");
    assertThat(done.path("environmentState").asText()).isEqualTo("READY");
    assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(ofType("run.started").get(0).json().path("status").asText()).isEqualTo("IN_PROGRESS");
    assertThat(ofType("tenant.created")).hasSize(1);
    assertThat(received).noneMatch(r -> r.json().path("type").asText().startsWith("step."));
    // every delivery journaled as DELIVERED, ids unique
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> tw.webhooks().deliveries(t.id(), 100).stream()
        .allMatch(d -> d.state().equals("DELIVERED")));
    List<WebhookDelivery> journaled = tw.webhooks().deliveries(t.id(), 100);
    assertThat(journaled).hasSize(received.size());
    assertThat(received.stream().map(r -> r.header(WebhookSignature.ID)).toList()).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(journaled.stream().map(WebhookDelivery::id).toList());
  }

  @Test
  void aFailingReceiverIsRetriedWithBackoffThenGivenUpAndListed() {
    AtomicInteger calls = new AtomicInteger();
    answer = () -> calls.incrementAndGet() <= 2 ? 500 : 503;
    Tenantwright tw = open(hook().events(Set.of(EventType.TENANT_CREATED)));
    Tenant t = tw.tenants().create(NewTenant.company("Flaky Co").email("ops@flaky.example"));

    Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> !tw.webhooks().failed(10).isEmpty());
    WebhookDelivery d = tw.webhooks().failed(10).get(0);
    assertThat(d.attempts()).isEqualTo(4);
    assertThat(d.lastStatus()).isEqualTo(503);
    assertThat(d.eventType()).isEqualTo(EventType.TENANT_CREATED);
    assertThat(d.tenantId()).isEqualTo(t.id());
    assertThat(received).hasSize(4).extracting(r -> r.header(WebhookSignature.ID)).containsOnly(d.id());
  }

  @Test
  void aDeliveryTheReceiverDidNotTakeIsSentByTheNextEngineOnTheJournal() {
    answer = () -> 500;
    Tenantwright first = open(StatusWebhook.to("master-db", url(), secret).events(Set.of(EventType.TENANT_CREATED))
        .retries(50, Duration.ofSeconds(30), Duration.ofSeconds(30)));
    Tenant t = first.tenants().create(NewTenant.company("Patient Co").email("ops@patient.example"));
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> received.size() == 1);
    first.close();
    opened.remove(first);
    // events written while no engine had the webhook are relayed too: the cursor waited in the journal
    Tenantwright plain = open(null);
    plain.tenants().create(NewTenant.company("Quiet Co").email("ops@quiet.example"));
    plain.close();
    opened.remove(plain);

    answer = () -> 200;
    Tenantwright second = open(StatusWebhook.to("master-db", url(), secret).events(Set.of(EventType.TENANT_CREATED))
        .retries(50, Duration.ofMillis(50), Duration.ofMillis(100)));
    // the first delivery's claim (a minute) and its backoff (30 s) hold it back; the one for Quiet Co goes now
    Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> received.stream()
        .anyMatch(r -> r.json().path("tenant").asText().equals("quiet-co")));
    assertThat(second.webhooks().deliveries(t.id(), 10)).singleElement()
        .satisfies(d -> assertThat(d.state()).isEqualTo("PENDING"));
  }

  @Test
  void twoEnginesOnOnePostgresDeliverEveryEventOnce() {
    javax.sql.DataSource ds = dev.tenantwright.core.engine.Stores.freshPostgres();
    Blueprint site = Blueprint.builder("site").resource("admin-password", "secret", r -> r.param("length", 24)).build();
    List<Tenantwright> engines = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Tenantwright tw = dev.tenantwright.core.engine.Stores.on(ds).blueprint(site).statusWebhook(hook()).build();
      opened.add(tw);
      engines.add(tw);
    }
    List<String> tenants = new ArrayList<>();
    List<dev.tenantwright.core.Run> runs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Tenantwright tw = engines.get(i % 2);
      Tenant t = tw.tenants().create(NewTenant.company("Pair " + i).email("ops" + i + "@pair.example"));
      tenants.add(t.id());
      runs.add(tw.environments().provision(t.id(), EnvironmentKind.DEMO));
    }
    runs.forEach(r -> assertThat(r.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED));
    // per tenant: tenant.created, run.queued, run.started, run.succeeded
    Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> ofType("run.succeeded").size() >= 20);
    Awaitility.await().pollDelay(2, TimeUnit.SECONDS).atMost(30, TimeUnit.SECONDS).until(() -> received.size() >= 80);
    assertThat(received).hasSize(80).allSatisfy(r -> assertThat(r.valid()).isTrue());
    assertThat(received.stream().map(r -> r.json().path("eventId").asLong()).toList()).doesNotHaveDuplicates();
    assertThat(ofType("run.succeeded").stream().map(r -> r.json().path("tenant").asText()).toList())
        .containsExactlyInAnyOrderElementsOf(tenants);
  }

  @Test
  void aGapInTheEventIdsIsWaitedForUntilItIsOldThenSkipped() throws Exception {
    Tenantwright tw = open(null);
    tw.tenants().create(NewTenant.company("Gap Co").email("ops@gap.example"));
    tw.close();
    opened.remove(tw);
    var db = dev.tenantwright.core.internal.journal.Database.embedded(dataDir);
    try {
      StatusWebhooks hooks = new StatusWebhooks(db.sql(), List.of(hook().events(Set.of(EventType.TENANT_SUSPENDED))),
          Clock.systemUTC(), Duration.ofHours(1), Duration.ofSeconds(10));
      hooks.createCursors();
      long cursor = db.sql().read(c -> dev.tenantwright.core.internal.journal.Sql.one(c,
          "SELECT last_event_id FROM tw_webhook_cursor", rs -> rs.getLong(1)).orElseThrow());
      long now = System.currentTimeMillis();
      // id cursor+1 is "not yet committed"; cursor+2 is young, so the relay waits before the gap
      insertEvent(db, cursor + 2, now);
      assertThat(hooks.relay(hooks.hooksForTest().get(0))).isZero();
      // ... and once the event after the gap is older than the grace, the gap is a rolled-back id: skipped
      db.sql().transaction(c -> dev.tenantwright.core.internal.journal.Sql.update(c,
          "UPDATE tw_event SET at = ? WHERE id = ?", now - 11_000, cursor + 2));
      assertThat(hooks.relay(hooks.hooksForTest().get(0))).isEqualTo(1);
      int deliveries = db.sql().read(c -> dev.tenantwright.core.internal.journal.Sql.one(c,
          "SELECT count(*) FROM tw_webhook_delivery", rs -> rs.getInt(1)).orElseThrow());
      assertThat(deliveries).isEqualTo(1);
      hooks.close();
    } finally {
      db.close();
    }
  }

  private static void insertEvent(dev.tenantwright.core.internal.journal.Database db, long id, long at) {
    db.sql().transaction(c -> dev.tenantwright.core.internal.journal.Sql.update(c,
        "INSERT INTO tw_event (id, tenant_id, type, step_index, step_count, percent, message, at)"
            + " VALUES (?, 'gap-co', 'TENANT_SUSPENDED', 0, 0, 0, 'suspended', ?)", id, at));
  }

  /** A host step that fails while {@code fail} is set: for rollbacks. */
  static final class Gate implements dev.tenantwright.spi.ProvisioningStep<Map<String, Object>, Map<String, Object>> {
    volatile boolean fail;

    @Override
    public String type() {
      return "host.gate";
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public Class<Map<String, Object>> parametersType() {
      return (Class) Map.class;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public Class<Map<String, Object>> outputType() {
      return (Class) Map.class;
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> parameters, dev.tenantwright.spi.StepContext ctx) {
      if (fail) {
        throw new dev.tenantwright.spi.PermanentException("the gate is shut");
      }
      return Map.of("open", true);
    }

    @Override
    public void compensate(Map<String, Object> parameters, Map<String, Object> outputs,
        dev.tenantwright.spi.StepContext ctx) {
      // nothing was made
    }
  }

  @Test
  void aWebhookCallStepRegistersWithTheSecretOnlyInTheSignedBodyAndIsUndoneOnRollback() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    answer = () -> calls.incrementAndGet() == 1 ? 503 : 200;
    Gate gate = new Gate();
    Blueprint bp = Blueprint.fromYaml("test.yaml", """
        blueprint: frappe-like
        resources:
          api-secret:
            type: secret
            params: {length: 40}
          register:
            type: webhook.call
            params:
              endpoint: master-db
              event: tenant.registered
              fields: {url: "https://${tenant.id}.erp.example.com", plan: "${tenant.plan}"}
              secrets: {apiSecret: "${secrets.api-secret}"}
          after:
            type: host.gate
            needs: [register]
        """);
    Tenantwright tw = Tenantwright.builder().embedded(dataDir).blueprint(bp).step(gate)
        .statusWebhook(hook().events(Set.of(EventType.TENANT_DELETED))).build();
    opened.add(tw);
    Tenant t = tw.tenants().create(NewTenant.company("Signup Co").email("ops@signup.example"));
    dev.tenantwright.core.Run run = tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(WAIT);
    assertThat(run.state()).as(String.valueOf(run.error())).isEqualTo(RunState.SUCCEEDED);

    List<Received> calls1 = ofType("tenant.registered");
    assertThat(calls1).hasSize(2).allSatisfy(r -> assertThat(r.valid()).isTrue());
    assertThat(calls1.get(0).header(WebhookSignature.ID)).isEqualTo(calls1.get(1).header(WebhookSignature.ID));
    JsonNode body = calls1.get(1).json();
    assertThat(body.path("tenant").asText()).isEqualTo("signup-co");
    assertThat(body.path("environment").asText()).isEqualTo("live");
    assertThat(body.path("data").path("url").asText()).isEqualTo("https://signup-co.erp.example.com");
    String apiSecret = body.path("data").path("apiSecret").asText();
    assertThat(apiSecret).hasSize(40);
    assertThat(journalText()).doesNotContain(apiSecret);

    // a later failure rolls the registration back: the receiver is told to undo it
    gate.fail = true;
    Tenant u = tw.tenants().create(NewTenant.company("Undo Co").email("ops@undo.example"));
    dev.tenantwright.core.Run failed = tw.environments().provision(u.id(), EnvironmentKind.LIVE).await(WAIT);
    assertThat(failed.state()).isEqualTo(RunState.ROLLED_BACK);
    List<Received> undone = ofType("tenant.registered.undone");
    assertThat(undone).singleElement().satisfies(r -> {
      assertThat(r.valid()).isTrue();
      assertThat(r.json().path("tenant").asText()).isEqualTo("undo-co");
      assertThat(r.json().has("data")).isFalse();
    });
    assertThat(journalText()).doesNotContain(apiSecret);
  }

  @Test
  void aWebhookCallToAnEndpointTheHostDidNotConfigureFailsNamingTheField() {
    Blueprint bp = Blueprint.fromYaml("test.yaml", """
        blueprint: stray
        resources:
          register:
            type: webhook.call
            params: {endpoint: elsewhere, event: tenant.registered}
        """);
    Tenantwright tw = Tenantwright.builder().embedded(dataDir).blueprint(bp).statusWebhook(hook()).build();
    opened.add(tw);
    Tenant t = tw.tenants().create(NewTenant.company("Stray Co").email("ops@stray.example"));
    dev.tenantwright.core.Run run = tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(WAIT);
    assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(run.error()).contains("endpoint").contains("elsewhere").contains("master-db");
    assertThat(ofType("tenant.registered")).isEmpty();
  }

  /** Every text column of every journal table, for checks that a secret never reached it. */
  private String journalText() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:async:"
        + dataDir.toAbsolutePath().resolve("tenantwright") + ";LOCK_TIMEOUT=10000;WRITE_DELAY=0;REUSE_SPACE=FALSE",
        "tw", "")) {
      List<String> tables = new ArrayList<>();
      try (var rs = c.getMetaData().getTables(null, null, "TW_%", new String[] {"TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_NAME"));
        }
      }
      assertThat(tables).contains("TW_STEP", "TW_EVENT", "TW_RESOURCE");
      for (String table : tables) {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT * FROM " + table)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= n; i++) {
              sb.append(rs.getString(i)).append('\n');
            }
          }
        }
      }
    }
    return sb.toString();
  }

  @Test
  void aWebhookIsCheckedWhenConfigured() {
    assertThatThrownBy(() -> StatusWebhook.to("Master DB", url(), secret)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> StatusWebhook.to("m", URI.create("file:///etc/passwd"), secret))
        .isInstanceOf(ValidationException.class).hasMessageContaining("url");
    assertThatThrownBy(() -> StatusWebhook.to("m", URI.create("https://user:pw@example.com/"), secret))
        .isInstanceOf(ValidationException.class).hasMessageContaining("url");
    assertThatThrownBy(() -> StatusWebhook.to("m", url(), new byte[8])).isInstanceOf(ValidationException.class)
        .hasMessageContaining("secret");
    assertThatThrownBy(() -> Tenantwright.builder().embedded(dataDir).statusWebhook(hook()).statusWebhook(hook())
        .build()).isInstanceOf(ValidationException.class).hasMessageContaining("two webhooks");
  }

  @Test
  void theSignatureCheckRefusesTamperingReplaysAndOtherSecrets() {
    byte[] body = "{\"type\":\"run.succeeded\"}".getBytes(StandardCharsets.UTF_8);
    long now = System.currentTimeMillis() / 1000;
    String sig = WebhookSignature.sign(secret, "d-1", now, body);
    Clock clock = Clock.systemUTC();
    assertThat(WebhookSignature.verify(secret, "d-1", Long.toString(now), body, sig, Duration.ofMinutes(5), clock)).isTrue();
    assertThat(WebhookSignature.verify(secret, "d-1", Long.toString(now), body, "v1,AAAA " + sig, Duration.ofMinutes(5),
        clock)).isTrue();
    assertThat(WebhookSignature.verify(secret, "d-2", Long.toString(now), body, sig, Duration.ofMinutes(5), clock)).isFalse();
    assertThat(WebhookSignature.verify(secret, "d-1", Long.toString(now), "{}".getBytes(StandardCharsets.UTF_8), sig,
        Duration.ofMinutes(5), clock)).isFalse();
    assertThat(WebhookSignature.verify(new byte[32], "d-1", Long.toString(now), body, sig, Duration.ofMinutes(5), clock))
        .isFalse();
    String old = WebhookSignature.sign(secret, "d-1", now - 3600, body);
    assertThat(WebhookSignature.verify(secret, "d-1", Long.toString(now - 3600), body, old, Duration.ofMinutes(5), clock))
        .isFalse();
    assertThat(WebhookSignature.verify(secret, "d-1", "soon", body, sig, Duration.ofMinutes(5), clock)).isFalse();
    assertThat(WebhookSignature.verify(secret, "d-1", Long.toString(now), body, "v2," + sig.substring(3),
        Duration.ofMinutes(5), clock)).isFalse();
    assertThat(new HashSet<>(List.of(sig))).hasSize(1);
  }
}
