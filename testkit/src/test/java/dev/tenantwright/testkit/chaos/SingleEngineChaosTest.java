package dev.tenantwright.testkit.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos with one engine at a time: many tenants provision their demo in parallel against an HTTP fake that
 * answers 10 % of calls with a 5xx (half of them after the object was made), rate-limits in storms with
 * Retry-After, adds random latency and refuses 4 % of creates for good (so that some runs roll back), while the
 * engine is stopped without draining and started again on the same journal several times. Every run must end
 * SUCCEEDED or ROLLED_BACK, the fake must hold exactly the objects of the succeeded environments — no
 * duplicate, no leak, nothing after destroying them — and no generated secret may appear in a log line, an
 * event or an error.
 *
 * <p>The small form runs in the build. The full form: {@code mvn -pl testkit test
 * -Dtest=SingleEngineChaosTest -Dchaos.tenants=1000 -Dchaos.restarts=3} (also {@code -Dchaos.seed=N}).
 */
class SingleEngineChaosTest {

  private static final Blueprint DEMO = Blueprint.builder("chaos")
      .resource("api-token", "secret", r -> r.param("length", 32))
      .resource("a", "chaos.object", r -> r.param("value", "a of ${tenant.id}").param("token", "${secrets.api-token}"))
      .resource("b", "chaos.object", r -> r.param("value", "after ${a.id}"))
      .resource("c", "chaos.object", r -> r.param("value", "c").needs("a"))
      .resource("d", "chaos.object", r -> r.param("value", "d"))
      .build();

  @TempDir
  Path dir;

  @Test
  void parallelTenantsSurviveFaultsAndEngineRestartsWithoutDuplicatesLeaksOrLoggedSecrets() {
    int tenants = Integer.getInteger("chaos.tenants", 24);
    int restarts = Integer.getInteger("chaos.restarts", 3);
    long seed = Long.getLong("chaos.seed", 11L);
    Duration patience = Duration.ofSeconds(Math.max(60, tenants / 2));
    System.out.printf("chaos: %d tenants, %d restarts, seed %d%n", tenants, restarts, seed);

    LogCapture logs = LogCapture.start();
    try (ObjectsFake fake = new ObjectsFake()) {
      fake.seedFaults(seed);
      fake.inject(Fault.latency(Duration.ZERO, Duration.ofMillis(20)));
      fake.inject(Fault.status(503).rate(0.05));
      fake.inject(Fault.status(502).afterHandler().rate(0.05));
      fake.inject(Fault.rateLimited(Duration.ofSeconds(1)).on("POST /v1/objects").during(Duration.ofMillis(300)));
      fake.inject(Fault.rateLimited(Duration.ofSeconds(1)).rate(0.02));
      fake.inject(Fault.status(422).on("POST /v1/objects").rate(0.04));

      Tenantwright tw = open(fake);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < tenants; i++) {
        ids.add(tw.tenants().create(NewTenant.company("Chaos Tenant " + i).email("ops-" + i + "@chaos.example")).id());
      }
      Map<String, String> runOf = new LinkedHashMap<>();
      int waves = restarts + 1;
      for (int life = 0; life < waves; life++) {
        // counted before the wave starts: a fast engine may finish the whole wave while it is being submitted
        long calls = fake.totalCalls();
        for (int i = life * tenants / waves; i < (life + 1) * tenants / waves; i++) {
          runOf.put(ids.get(i), tw.environments().provision(ids.get(i), EnvironmentKind.DEMO).id());
        }
        if (life < restarts) {
          long progress = Math.max(5, 2L * tenants / waves);
          await().atMost(patience).until(() -> fake.totalCalls() >= calls + progress);
          tw.close(Duration.ZERO);
          tw = open(fake);
        }
      }

      verifyAndCleanUp(tw, fake, ids, runOf, logs, patience);
      tw.close(Duration.ZERO);
    } finally {
      logs.stop();
    }
  }

  /**
   * The verdict every chaos variant shares: each run ended SUCCEEDED or ROLLED_BACK; the fake holds exactly
   * the objects of the succeeded environments, none twice; no generated secret is in a log line, an event or
   * an error; destroying the succeeded environments leaves the fake empty.
   */
  static void verifyAndCleanUp(Tenantwright tw, ObjectsFake fake, List<String> ids, Map<String, String> runOf,
      LogCapture logs, Duration patience) {
    Map<String, RunState> ends = new HashMap<>();
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, String> e : runOf.entrySet()) {
      Run done = tw.runs().get(e.getValue()).await(patience);
      ends.put(e.getKey(), done.state());
      if (done.error() != null) {
        errors.add(done.error());
      }
    }
    assertThat(ends.values()).as("every run ends SUCCEEDED or ROLLED_BACK")
        .allMatch(s -> s == RunState.SUCCEEDED || s == RunState.ROLLED_BACK);

    Map<String, List<String>> byName = fake.objects().stream().collect(Collectors.groupingBy(ObjectsFake.Obj::name,
        Collectors.mapping(ObjectsFake.Obj::id, Collectors.toList())));
    assertThat(byName).as("no resource exists twice in the fake").allSatisfy((name, objects) ->
        assertThat(objects).as(name).hasSize(1));
    Set<String> expected = new HashSet<>();
    for (String id : ids) {
      Environment demo = tw.environments().find(id, "demo").orElseThrow();
      for (Environment.Resource r : demo.resources()) {
        if (r.type().equals("chaos.object")) {
          expected.add(String.valueOf(r.outputs().get("name")));
        }
      }
      if (ends.get(id) == RunState.SUCCEEDED) {
        assertThat(demo.resources()).as("resources of " + id).hasSize(5);
      } else {
        assertThat(demo.resources()).as("resources of rolled-back " + id).isEmpty();
      }
    }
    assertThat(byName.keySet()).as("the fake holds exactly the objects of the succeeded environments")
        .containsExactlyInAnyOrderElementsOf(expected);

    List<String> tokens = fake.tokensSeen();
    assertThat(tokens).as("generated secrets reached the backend").isNotEmpty();
    List<String> texts = new ArrayList<>(errors);
    for (String id : ids) {
      for (Event ev : tw.tenants().history(id)) {
        texts.add(String.valueOf(ev.message()));
      }
    }
    String logged = logs.text();
    assertThat(logs.active()).as("log lines are captured").isTrue();
    assertThat(logged).as("log lines were written").isNotEmpty();
    for (String token : new HashSet<>(tokens)) {
      assertThat(logged).as("a generated secret in a log line").doesNotContain(token);
      assertThat(texts).as("a generated secret in an event or error").noneMatch(t -> t.contains(token));
    }

    fake.clearFaults();
    List<Run> destroys = new ArrayList<>();
    for (String id : ids) {
      if (ends.get(id) == RunState.SUCCEEDED) {
        destroys.add(tw.environments().destroy(id, "demo", RunOptions.defaults().reason("chaos clean-up")));
      }
    }
    for (Run d : destroys) {
      assertThat(d.await(patience).state()).as("destroying " + d.tenantId()).isEqualTo(RunState.SUCCEEDED);
    }
    fake.assertNothingLeaked();
    System.out.printf("chaos: %d succeeded, %d rolled back, %d calls to the fake, %d secrets checked against "
        + "%d log characters%n", ends.values().stream().filter(s -> s == RunState.SUCCEEDED).count(),
        ends.values().stream().filter(s -> s == RunState.ROLLED_BACK).count(), fake.totalCalls(),
        new HashSet<>(tokens).size(), logged.length());
  }

  private Tenantwright open(ObjectsFake fake) {
    return Tenantwright.builder()
        .embedded(dir)
        .classpathPlugins(false)
        .resourceType(new ChaosObjectType(fake.baseUrl()))
        .blueprint(DEMO)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(200))
        .maxAttempts(6)
        .build();
  }
}
