package dev.tenantwright.plugin.frappe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.testing.TestSupport;
import dev.tenantwright.plugin.frappe.internal.Bench;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.RecordedCommand;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.frappe.BenchFake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile passwords through a whole provision, a failed provision and a destroy, over each transport: no secret
 * reaches any argv Tenantwright starts (recorded or not), a log line or an event, and bench receives each one
 * intact — on stdin, read by a {@code sh -c} script locally and in docker and by the login shell over ssh.
 */
class SecretHandlingTest {

  static final String SITE = "hostile.erp.example.test";
  static final String ROOT = "r00t'\"$(reboot)`id`;|&* pw";
  static final String ADMIN_BASE = "adm'in\"$(touch /tmp/pwn)`id`;&&|*?\\ x";
  static final String USER_PW = "us'er $(pw) \"q\" ${HOME}";
  static final String NOTE = "'; rm -rf / #$(id)`x`\nnext line";
  static final String FIRST_NAME = "Robert'); DROP TABLE users;--";

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"local", "docker", "ssh"})
  void sec8_noSecretReachesAnyArgvALogLineOrAnEventAndBenchGetsEachIntact(String transport) {
    String admin = ADMIN_BASE;
    Map<String, Object> config = switch (transport) {
      case "docker" -> TestConfigs.docker();
      case "ssh" -> TestConfigs.ssh();
      default -> TestConfigs.local();
    };
    config.put("dbRootPassword", ROOT);
    BenchFake fake = new BenchFake().rootCredentials("root", ROOT);
    CommandRunnerFake runner = fake.attachTo(new CommandRunnerFake());
    List<Event> events = new CopyOnWriteArrayList<>();
    Blueprint blueprint = Blueprint.builder("hostile")
        .resource("site", "frappe.site", r -> r
            .param("site", SITE)
            .param("adminPassword", "${secrets.admin}")
            .param("apps", List.of("erpnext"))
            .param("config", Map.of("note", NOTE))
            .param("user", Map.of("email", "ops@hostile.example", "firstName", FIRST_NAME,
                "password", "${secrets.userpw}")))
        .build();
    List<String> apiSecrets = new ArrayList<>();
    List<String> logs;
    try (LogLines captured = new LogLines();
        Tenantwright tw = Tenantwright.builder().embedded(dir).classpathPlugins(false)
            .platformDomains("erp.example.test")
            .resourceType(new FrappeSiteType()).step(new RegisterTenant())
            .pluginConfig("frappe", config).commandRunner(runner)
            .secret("admin", Secret.of(admin)).secret("userpw", Secret.of(USER_PW))
            .listener(events::add).blueprint(blueprint)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(50)).build()) {
      Tenant t = tw.tenants().create(NewTenant.company("Hostile Inc").email("ops@hostile.example"));
      fake.failNext("install-app", 1, "App erpnext not in apps.txt");
      Run failed = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(Duration.ofMinutes(1));
      assertThat(failed.state()).as("a failure after new-site").isEqualTo(RunState.ROLLED_BACK);
      assertThat(fake.liveObjects()).isEmpty();

      Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(Duration.ofMinutes(1));
      assertThat(run.state()).as(run.error()).isEqualTo(RunState.SUCCEEDED);
      BenchFake.SiteView site = fake.site(SITE).orElseThrow();
      assertThat(site.users().get("Administrator").password()).isEqualTo(admin);
      assertThat(site.users().get("ops@hostile.example").password()).isEqualTo(USER_PW);
      assertThat(site.users().get("ops@hostile.example").firstName()).isEqualTo(FIRST_NAME);
      assertThat(site.config()).containsEntry("note", NOTE);
      apiSecrets.add(site.users().get("ops@hostile.example").apiSecret());

      Tenant other = tw.tenants().create(NewTenant.company("Other Inc").email("ops@other.example"));
      Run conflict = tw.environments().provision(other.id(), EnvironmentKind.DEMO).await(Duration.ofMinutes(1));
      assertThat(conflict.state()).as("another tenant asking for the same site name is refused")
          .isEqualTo(RunState.ROLLED_BACK);
      assertThat(conflict.error()).as("the host-name registry refuses it before bench is asked")
          .contains("host name '" + SITE + "' belongs to another tenant");

      Run destroyed = tw.environments().destroy(t.id(), "demo", RunOptions.defaults()).await(Duration.ofMinutes(1));
      assertThat(destroyed.state()).as(destroyed.error()).isEqualTo(RunState.SUCCEEDED);
      assertThat(fake.liveObjects()).isEmpty();
      logs = captured.lines();
    }

    List<String> secrets = new ArrayList<>(List.of(ROOT, admin, USER_PW));
    secrets.addAll(apiSecrets);
    assertThat(runner.invocations()).isNotEmpty();
    for (RecordedCommand c : runner.invocations()) {
      List<String> recorded = new ArrayList<>(c.argv());
      recorded.addAll(c.environment().values());
      recorded.add(String.valueOf(c.stdin()));
      recorded.add(c.stdout());
      recorded.add(c.stderr());
      recorded.add(String.valueOf(c.failure()));
      for (String s : secrets) {
        assertThat(recorded).as("recorded %s", c).noneMatch(e -> e.contains(s));
      }
    }
    for (String s : secrets) {
      assertThat(logs).as("log lines").noneMatch(l -> l.contains(s));
      assertThat(events).extracting(Event::toString).as("events").noneMatch(e -> e.contains(s));
    }
    assertThat(logs).as("the plugin logged what it did").anyMatch(l -> l.contains("Creating Frappe site " + SITE));

    List<BenchFake.Invocation> received = fake.received();
    assertThat(received).isNotEmpty();
    for (BenchFake.Invocation inv : received) {
      for (String s : secrets) {
        assertThat(inv.argv()).as("the argv of the process Tenantwright started (%s)", inv.argv().get(0))
            .noneMatch(e -> e.contains(s));
        assertThat(String.valueOf(inv.remoteCommand())).as("the shell's command string").doesNotContain(s);
      }
    }
    assertThat(received).filteredOn(i -> i.benchArgv().contains("new-site")).first()
        .satisfies(i -> {
          assertThat(i.stdin()).isEqualTo(ROOT + "\n" + admin + "\n");
          assertThat(i.benchArgv()).containsSubsequence("--admin-password", admin);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "docker", "ssh"})
  void sec8_aSecretWithALineBreakIsRefusedByNameOverEveryTransportBeforeAnythingRuns(String transport) {
    Map<String, Object> config = switch (transport) {
      case "docker" -> TestConfigs.docker();
      case "ssh" -> TestConfigs.ssh();
      default -> TestConfigs.local();
    };
    BenchFake fake = TestConfigs.fakeBench();
    CommandRunnerFake runner = fake.attachTo(new CommandRunnerFake());
    TestStepContext ctx = TestStepContext.builder().step("site").config(TestConfigs.record(config)).commands(runner)
        .build();
    SiteSpec spec = new SiteSpec(SITE, Secret.of("two\nlines"), null, null, null, null);

    assertThatThrownBy(() -> new FrappeSiteType().create(spec, ctx)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("the Administrator password contains a line break").hasMessageNotContaining("two");
    assertThat(fake.history()).noneMatch(h -> h.endsWith(" new-site"));
  }

  @Test
  void sec16_aTimedOutSshCommandMasksEachSecretOnItsOwnInItsMessage() throws IOException {
    Path ssh = dir.resolve("fake-ssh");
    Files.writeString(ssh, "#!/bin/sh\nIFS= read -r first\necho \"Access denied for $first\" >&2\nexec sleep 30\n");
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
    Map<String, Object> m = TestConfigs.ssh();
    FrappeConfig ssht = TestConfigs.record(m);
    FrappeConfig config = new FrappeConfig(ssht.transport(), ssht.benchDir(), null, null, null, ssht.sshHost(),
        ssht.sshUser(), null, null, null, ssh.toString(), null, Secret.of(ROOT), null, null, null, 1, null);
    TestStepContext ctx = TestStepContext.builder().step("site").config(config).commands(TestSupport.processRunner())
        .build();
    Bench bench = new Bench(config, ctx);

    assertThatThrownBy(() -> bench.restore(SITE, "./" + SITE + "/x.sql.gz", Secret.of(USER_PW)))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("Access denied for")
        .hasMessageNotContaining(ROOT).hasMessageNotContaining(USER_PW);
  }
}
