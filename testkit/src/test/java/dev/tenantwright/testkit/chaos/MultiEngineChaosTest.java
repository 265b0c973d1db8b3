package dev.tenantwright.testkit.chaos;

import static org.awaitility.Awaitility.await;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.LogCapture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Chaos with several engines on one PostgreSQL: tenants are spread over three engines while the HTTP fake
 * fails, rate-limits and slows calls down, and engines are stopped without draining and replaced, so their
 * runs are taken over by the others through leases. The verdict is the single-engine one: every run ends
 * SUCCEEDED or ROLLED_BACK, no duplicate or leaked object, no generated secret in a log line.
 *
 * <p>The small form runs in the build. The full form: {@code mvn -pl testkit test
 * -Dtest=MultiEngineChaosTest -Dchaos.tenants=1000 -Dchaos.restarts=3} (also {@code -Dchaos.seed=N}).
 */
class MultiEngineChaosTest {

  private static final byte[] KEY = "chaos-key-0123456789abcdefghijkl".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static EmbeddedPostgres postgres;

  private static final Blueprint DEMO = Blueprint.builder("chaos")
      .resource("api-token", "secret", r -> r.param("length", 32))
      .resource("a", "chaos.object", r -> r.param("value", "a of ${tenant.id}").param("token", "${secrets.api-token}"))
      .resource("b", "chaos.object", r -> r.param("value", "after ${a.id}"))
      .resource("c", "chaos.object", r -> r.param("value", "c").needs("a"))
      .resource("d", "chaos.object", r -> r.param("value", "d"))
      .build();

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void tenantsSpreadOverSeveralEnginesSurviveFaultsAndReplacedEnginesWithoutDuplicatesOrLeaks() throws Exception {
    int tenants = Integer.getInteger("chaos.tenants", 24);
    int restarts = Integer.getInteger("chaos.restarts", 3);
    long seed = Long.getLong("chaos.seed", 7L);
    Duration patience = Duration.ofSeconds(Math.max(90, tenants / 2));
    Random random = new Random(seed);
    System.out.printf("multi-engine chaos: %d tenants, 3 engines, %d replaced, seed %d%n", tenants, restarts, seed);
    postgres = EmbeddedPostgres.builder().start();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE chaos");
    }
    DataSource ds = postgres.getDatabase("postgres", "chaos");

    LogCapture logs = LogCapture.start();
    try (ObjectsFake fake = new ObjectsFake()) {
      fake.seedFaults(seed);
      fake.inject(Fault.latency(Duration.ZERO, Duration.ofMillis(20)));
      fake.inject(Fault.status(503).rate(0.05));
      fake.inject(Fault.status(502).afterHandler().rate(0.05));
      fake.inject(Fault.rateLimited(Duration.ofSeconds(1)).on("POST /v1/objects").during(Duration.ofMillis(300)));
      fake.inject(Fault.status(422).on("POST /v1/objects").rate(0.04));

      List<Tenantwright> engines = new ArrayList<>();
      for (int e = 0; e < 3; e++) {
        engines.add(open(ds, fake, "engine-" + e));
      }
      List<String> ids = new ArrayList<>();
      Map<String, String> runOf = new LinkedHashMap<>();
      int waves = restarts + 1;
      int started = 0;
      for (int life = 0; life < waves; life++) {
        // counted before the wave starts: a fast engine may finish the whole wave while it is being submitted
        long calls = fake.totalCalls();
        for (int i = life * tenants / waves; i < (life + 1) * tenants / waves; i++) {
          Tenantwright tw = engines.get(i % engines.size());
          String id = tw.tenants().create(NewTenant.company("Chaos Tenant " + i).email("ops-" + i + "@chaos.example"))
              .id();
          ids.add(id);
          runOf.put(id, tw.environments().provision(id, EnvironmentKind.DEMO).id());
        }
        if (life < restarts) {
          long progress = Math.max(5, 2L * tenants / waves);
          await().atMost(patience).until(() -> fake.totalCalls() >= calls + progress);
          int victim = random.nextInt(engines.size());
          engines.get(victim).close(Duration.ZERO);
          engines.set(victim, open(ds, fake, "engine-" + victim + "-" + (++started)));
        }
      }
      Tenantwright any = engines.get(0);
      SingleEngineChaosTest.verifyAndCleanUp(any, fake, ids, runOf, logs, patience);
      for (Tenantwright tw : engines) {
        tw.close(Duration.ZERO);
      }
    } finally {
      logs.stop();
    }
  }

  private static Tenantwright open(DataSource ds, ObjectsFake fake, String owner) {
    return Tenantwright.builder()
        .dataSource(ds)
        .secretKey(KEY)
        .owner(owner)
        .leaseDuration(Duration.ofSeconds(1))
        .classpathPlugins(false)
        .resourceType(new ChaosObjectType(fake.baseUrl()))
        .blueprint(DEMO)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(200))
        .maxAttempts(6)
        .build();
  }
}
