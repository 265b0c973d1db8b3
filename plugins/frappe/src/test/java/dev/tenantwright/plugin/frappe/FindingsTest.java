package dev.tenantwright.plugin.frappe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.frappe.BenchFake;
import dev.tenantwright.testkit.frappe.BenchFake.SiteView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The review's findings on the Frappe plugin (F1–F7), each against the fake playing frappe v15 the way the real
 * bench behaves in production: a scheduler left off by {@code new-site}, backup rotation after a day, v15's messages,
 * processes that outlive a killed {@code docker exec} or ssh client, option names, config coercion.
 */
class FindingsTest {

  static final String SITE = "acme--demo--site.erp.example.test";

  final BenchFake fake = TestConfigs.fakeBench();
  final CommandRunnerFake runner = fake.attachTo(new CommandRunnerFake());
  final FrappeSiteType type = new FrappeSiteType();
  final TestStepContext ctx = TestStepContext.builder().step("site").config(TestConfigs.record(TestConfigs.local()))
      .commands(runner).build();

  TestStepContext over(Map<String, Object> transport) {
    return ctx.newBuilder().config(TestConfigs.record(transport)).build();
  }

  void benchLocally(String... args) {
    runner.run(Command.builder("bench", args).workingDir(Path.of(BenchFake.DEFAULT_BENCH_DIR)).build())
        .requireSuccess();
  }

  @Test
  void f1_aNewSiteHasItsSchedulerEnabledSoBackgroundJobsAndMailRun() {
    type.create(FrappeSiteTypeTest.spec(), ctx);

    SiteView site = fake.site(SITE).orElseThrow();
    assertThat(site.schedulerEnabled()).as("new-site leaves it disabled; the plugin enables it").isTrue();
    assertThat(site.schedulerActive()).isTrue();
  }

  @Test
  void f1_aSiteWhoseSchedulerWasDisabledGetsItBackOnTheNextUpdate() {
    SiteOutputs out = type.create(FrappeSiteTypeTest.spec(), ctx).outputs();
    benchLocally("--site", SITE, "scheduler", "disable");

    type.update(FrappeSiteTypeTest.spec(), FrappeSiteTypeTest.spec(), out, ctx);

    assertThat(fake.site(SITE).orElseThrow().schedulerEnabled()).isTrue();
  }

  @Test
  void f1_aResetSiteHasItsSchedulerRunningEvenWhenItWasOffBeforeTheRestore() {
    SiteOutputs out = type.create(FrappeSiteTypeTest.spec(), ctx).outputs();
    benchLocally("--site", SITE, "scheduler", "disable");

    type.reset(FrappeSiteTypeTest.spec(), out, ctx);

    assertThat(fake.history()).filteredOn(h -> h.endsWith(" restore")).hasSize(1);
    assertThat(fake.site(SITE).orElseThrow().schedulerActive()).isTrue();
  }

  @Test
  void f2_resetRestoresTheBaselineEvenAfterFrappesBackupRotationADayLater() {
    SiteOutputs out = type.create(FrappeSiteTypeTest.spec(), ctx).outputs();
    benchLocally("--site", SITE, "add-user", "test-data@acme.example");
    fake.advanceClock(Duration.ofHours(25));
    benchLocally("--site", SITE, "backup");

    SiteOutputs reset = type.reset(FrappeSiteTypeTest.spec(), out, ctx);

    assertThat(reset).as("restored from the baseline: the same keys, no reinstall").isEqualTo(out);
    assertThat(fake.site(SITE).orElseThrow().users()).doesNotContainKey("test-data@acme.example");
    assertThat(fake.history()).noneMatch(h -> h.endsWith(" reinstall"));
  }

  @Test
  void f2_theBaselineLivesInTheSiteOutsideTheRotatedFolderAndGoesWithTheSiteWhenItIsDropped() {
    SiteOutputs out = type.create(FrappeSiteTypeTest.spec(), ctx).outputs();
    assertThat(out.baselineBackup()).startsWith("./" + SITE + "/private/").doesNotContain("/private/backups/");

    type.delete(FrappeSiteTypeTest.spec(), out, ctx);

    assertThat(fake.backups()).as("moved to the archive with the site directory").isEmpty();
  }

  @Test
  void f3_resetFallsBackToAReinstallWhenCurrentFrappeSaysTheBaselineFileIsNotFound() {
    SiteOutputs out = type.create(FrappeSiteTypeTest.spec(), ctx).outputs();
    SiteOutputs gone = new SiteOutputs(out.site(), out.url(), out.dbName(), out.apps(), out.user(), out.apiUser(),
        out.apiKey(), out.apiSecret(), "./" + SITE + "/private/backups/deleted-database.sql.gz");

    SiteOutputs reset = type.reset(FrappeSiteTypeTest.spec(), gone, ctx);

    assertThat(fake.history()).filteredOn(h -> h.endsWith(" restore")).hasSize(1);
    assertThat(fake.history()).filteredOn(h -> h.endsWith(" reinstall")).hasSize(1);
    assertThat(fake.backups()).contains(reset.baselineBackup());
    assertThat(fake.site(SITE).orElseThrow().apps()).containsExactly("frappe", "erpnext");
  }

  @Test
  void f4_aNewSiteStillRunningOnTheBenchHostIsNotDroppedByTheRetry() {
    TestStepContext docker = over(TestConfigs.docker());
    fake.detachNext("new-site", Duration.ofMinutes(5));

    assertThatThrownBy(() -> type.create(FrappeSiteTypeTest.spec(), docker))
        .isInstanceOf(RetryableException.class);
    assertThat(fake.sites()).as("the new-site still installing was left alone").containsExactly(SITE);
    fake.advanceClock(Duration.ofMinutes(5));
    CreateResult<SiteOutputs> retried = type.create(FrappeSiteTypeTest.spec(), docker.withAttempt(2));

    assertThat(retried.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.races()).isEmpty();
    assertThat(fake.history()).filteredOn(h -> h.endsWith(" new-site")).as("the running new-site was kept").hasSize(1);
    assertThat(fake.site(SITE).orElseThrow().owner()).isEqualTo(docker.ownershipMarker());
  }

  @Test
  void f4_aHungBenchCommandIsStoppedOnTheBenchHostBeforeItsClientGivesUp() {
    TestStepContext ssh = over(TestConfigs.ssh());
    fake.hangNext("install-app");

    assertThatThrownBy(() -> type.create(FrappeSiteTypeTest.spec(), ssh)).isInstanceOf(RetryableException.class);

    assertThat(fake.orphansRunning()).as("nothing keeps running on the bench host").isZero();
    assertThat(fake.liveObjects()).isEmpty();
    assertThat(fake.races()).isEmpty();
  }

  @Test
  void f6_dropSiteUsesTheRootOptionNamesEveryFrappeVersionAccepts() {
    SiteOutputs out = type.create(FrappeSiteTypeTest.spec(), ctx).outputs();
    type.delete(FrappeSiteTypeTest.spec(), out, ctx);

    BenchFake.Invocation drop = fake.received().stream().filter(i -> i.benchArgv().contains("drop-site")).findFirst()
        .orElseThrow();
    assertThat(drop.benchArgv()).containsSubsequence("--root-login", "root", "--root-password",
        TestConfigs.ROOT_PASSWORD).doesNotContain("--mariadb-root-username", "--mariadb-root-password");
  }

  @Test
  void f7_stringConfigValuesFrappeCoercesAreNoDriftAndTakeNoNewBaseline() {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("allow_guests", "1");
    cfg.put("use_feature", "true");
    cfg.put("off", "0");
    SiteSpec spec = new SiteSpec(null, Secret.of("admin-pass"), List.of("erpnext"), cfg, null, null);
    SiteOutputs out = type.create(spec, ctx).outputs();
    int setConfigs = setConfigCount();

    SiteOutputs again = type.update(spec, spec, out, ctx);

    assertThat(setConfigCount()).as("no set-config on an update that changes nothing").isEqualTo(setConfigs);
    assertThat(again.baselineBackup()).isEqualTo(out.baselineBackup());
    assertThat(fake.site(SITE).orElseThrow().config()).containsEntry("allow_guests", 1L)
        .containsEntry("use_feature", true).containsEntry("off", 0L);
  }

  int setConfigCount() {
    return (int) fake.history().stream().filter(h -> h.endsWith(" set-config")).count();
  }
}
