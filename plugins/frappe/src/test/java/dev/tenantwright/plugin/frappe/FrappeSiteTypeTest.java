package dev.tenantwright.plugin.frappe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.CommandFault;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.RecordedCommand;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.frappe.BenchFake;
import dev.tenantwright.testkit.frappe.BenchFake.SiteView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrappeSiteTypeTest {

  static final String SITE = "acme--demo--site.erp.example.test";

  final BenchFake fake = TestConfigs.fakeBench();
  final CommandRunnerFake runner = fake.attachTo(new CommandRunnerFake());
  final FrappeConfig config = TestConfigs.record(TestConfigs.local());
  final FrappeSiteType type = new FrappeSiteType();
  final TestStepContext ctx = TestStepContext.builder().step("site").config(config).commands(runner).build();

  static SiteSpec spec() {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("max_file_size", 10485760);
    cfg.put("developer_mode", false);
    cfg.put("host_name", "https://acme.example");
    return new SiteSpec(null, Secret.of("admin-pass"), List.of("erpnext"), cfg,
        new SiteUser("owner@acme.example", "Ada", "Lovelace", Secret.of("user-pass")), null);
  }

  /** The type waits for bench commands, never by pausing. */
  @AfterEach
  void theTypeNeverPauses() {
    assertThat(ctx.pauses()).isEmpty();
  }

  /** A crash of the engine in the middle of a call: not an exception the type may catch. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void createMakesTheSiteWithAppsConfigFirstUserApiKeysAndABaselineBackup() {
    CreateResult<SiteOutputs> r = type.create(spec(), ctx);

    assertThat(r.origin()).isEqualTo(CreateResult.Origin.CREATED);
    SiteOutputs out = r.outputs();
    SiteView site = fake.site(SITE).orElseThrow();
    assertThat(site.owner()).isEqualTo(ctx.ownershipMarker());
    assertThat(site.dbName()).isEqualTo(out.dbName()).matches("_[0-9a-f]{16}").isEqualTo(FrappeSiteType.dbName(ctx));
    assertThat(site.apps()).containsExactly("frappe", "erpnext");
    assertThat(site.config()).containsEntry("max_file_size", 10485760L).containsEntry("developer_mode", false)
        .containsEntry("host_name", "https://acme.example");
    assertThat(site.users().get("Administrator").password()).isEqualTo("admin-pass");
    BenchFake.UserView user = site.users().get("owner@acme.example");
    assertThat(user.systemManager()).isTrue();
    assertThat(user.firstName()).isEqualTo("Ada");
    assertThat(user.password()).isEqualTo("user-pass");
    assertThat(user.apiKey()).isEqualTo(out.apiKey()).matches("[0-9a-f]{15}");
    assertThat(user.apiSecret()).isEqualTo(out.apiSecret().reveal());
    assertThat(out.apiUser()).isEqualTo("owner@acme.example");
    assertThat(out.url()).isEqualTo("https://" + SITE);
    assertThat(out.apps()).containsExactly("frappe", "erpnext");
    assertThat(fake.backups()).containsExactly(out.baselineBackup());
    assertThat(out.baselineBackup()).isEqualTo("./" + SITE + "/private/tenantwright-baseline/baseline-a.sql.gz");
    assertThat(site.schedulerEnabled()).isTrue();
    assertThat(ctx.progressReports()).isNotEmpty().last().asString().startsWith("100%");
  }

  @Test
  void newSiteGetsTheDocumentedArgvWithBothPasswordsOnStdinUnderTheSitesLockAndATimeLimit() {
    type.create(spec(), ctx);

    BenchFake.Invocation newSite = fake.received("new-site").get(0);
    assertThat(newSite.benchArgv()).containsExactly("new-site", SITE, "--db-name", FrappeSiteType.dbName(ctx),
        "--no-mariadb-socket", "--mariadb-root-username", "root", "--mariadb-root-password", TestConfigs.ROOT_PASSWORD,
        "--admin-password", "admin-pass");
    assertThat(newSite.argv()).hasSize(3).startsWith("sh", "-c");
    assertThat(newSite.stdin()).isEqualTo(TestConfigs.ROOT_PASSWORD + "\nadmin-pass\n");
    assertThat(newSite.benchDir()).isEqualTo(BenchFake.DEFAULT_BENCH_DIR);
    assertThat(newSite.lockFile()).isEqualTo("sites/.tenantwright-" + SITE + ".lock");
    assertThat(newSite.timeLimit()).as("10 min budget - 60 s lock wait - 2 x 10 s grace").isEqualTo(Duration.ofSeconds(520));
    RecordedCommand recorded = runner.invocations("sh", "-c").get(0);
    assertThat(recorded.stdin()).isEqualTo(Secret.MASK);
    assertThat(recorded.workingDir()).hasToString(BenchFake.DEFAULT_BENCH_DIR);

    assertThat(fake.received("--site", SITE, "install-app").get(0).argv()).containsExactly("flock", "-E", "75", "-w",
        "60", "sites/.tenantwright-" + SITE + ".lock", "timeout", "-k", "10s", "520s", "bench", "--site", SITE,
        "install-app", "erpnext");
    assertThat(fake.received("--site", SITE, "show-config").get(0).argv()).as("a read holds no lock")
        .containsExactly("timeout", "-k", "10s", "520s", "bench", "--site", SITE, "show-config", "--format", "json");
    assertThat(fake.received("--site", SITE, "set-config", "--", "tenantwright_owner").get(0).benchArgv())
        .containsExactly("--site", SITE, "set-config", "--", "tenantwright_owner", ctx.ownershipMarker());
    assertThat(fake.received("--site", SITE, "set-config", "--parse", "--", "max_file_size").get(0).benchArgv())
        .containsExactly("--site", SITE, "set-config", "--parse", "--", "max_file_size", "10485760");
    assertThat(fake.received("--site", SITE, "add-system-manager").get(0).benchArgv())
        .containsExactly("--site", SITE, "add-system-manager", "--first-name", "Ada", "--last-name", "Lovelace",
            "--password", "user-pass", "--", "owner@acme.example");
    assertThat(fake.received("--site", SITE, "scheduler").get(0).benchArgv())
        .containsExactly("--site", SITE, "scheduler", "enable");
    BenchFake.Invocation keys = fake.received("--site", SITE, "execute", "frappe.client.set_value").get(0);
    assertThat(keys.argv().get(2)).as("the literal with the API secret is read from stdin")
        .endsWith("'frappe.client.set_value' '--kwargs' \"$tw_secret_1\"");
  }

  @Test
  void withoutProcessGuardsBenchRunsBareAndSecretsStillComeFromStdin() {
    Map<String, Object> bare = TestConfigs.local();
    bare.put("processGuards", false);
    TestStepContext c = ctx.newBuilder().config(TestConfigs.record(bare)).build();

    type.create(spec(), c);

    assertThat(fake.received("--site", SITE, "install-app").get(0).argv())
        .containsExactly("bench", "--site", SITE, "install-app", "erpnext");
    BenchFake.Invocation newSite = fake.received("new-site").get(0);
    assertThat(newSite.argv().get(2)).startsWith("IFS= read -r tw_secret_1 && IFS= read -r tw_secret_2 && exec 'bench' "
        + "'new-site'");
    assertThat(newSite.lockFile()).isNull();
    assertThat(newSite.timeLimit()).isNull();
  }

  @Test
  void aSecondCreateOfTheSameStepFindsItsSiteAndReportsCreatedWithoutMakingAnother() {
    type.create(spec(), ctx);
    CreateResult<SiteOutputs> again = type.create(spec(), ctx.withAttempt(2));

    assertThat(again.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.sites()).containsExactly(SITE);
    assertThat(fake.received("new-site")).hasSize(1);
    assertThat(fake.received("--site", SITE, "install-app")).hasSize(1);
    assertThat(fake.received("--site", SITE, "add-system-manager")).hasSize(1);
  }

  @Test
  void aSiteMadeByAnotherRunOfThisResourceIsAdopted() {
    fake.plantSite(SITE, "tw:acme/demo/site@000000000000");
    CreateResult<SiteOutputs> r = type.create(spec(), ctx);

    assertThat(r.origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(fake.received("new-site")).isEmpty();
    assertThat(fake.site(SITE).orElseThrow().apps()).contains("erpnext");
  }

  @Test
  void aSiteWithoutOurMarkerIsAConflictAndIsLeftAlone() {
    fake.plantSite(SITE, null);
    assertThatThrownBy(() -> type.create(spec(), ctx)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("site " + SITE + " already exists and is not this resource's")
        .hasMessageContaining("carries no tenantwright_owner");
    fake.plantSite("other.erp.example.test", "tw:globex/demo/site@0123456789ab");
    SiteSpec other = new SiteSpec("other.erp.example.test", Secret.of("x-admin-pw"), null, null, null, null);
    assertThatThrownBy(() -> type.create(other, ctx)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("tw:globex/demo/site@0123456789ab");

    assertThat(fake.sites()).containsExactlyInAnyOrder(SITE, "other.erp.example.test");
    assertThat(fake.received("drop-site")).isEmpty();
    assertThat(fake.received("new-site")).isEmpty();
  }

  @Test
  void aFailedInstallAppDropsTheSiteItMadeBeforeReportingThePermanentFailure() {
    fake.failNext("install-app", 1, "App erpnext not in apps.txt");

    assertThatThrownBy(() -> type.create(spec(), ctx)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("install-app erpnext").hasMessageContaining("not in apps.txt");
    assertThat(fake.liveObjects()).isEmpty();
    assertThat(fake.archived()).containsExactly("archived/sites/" + SITE);
    assertThat(fake.received("drop-site").get(0).benchArgv()).containsExactly("drop-site", SITE, "--force",
        "--no-backup", "--root-login", "root", "--root-password", TestConfigs.ROOT_PASSWORD);
  }

  @Test
  void aTransientFailureAfterTheSiteExistsDropsItAndIsRetryableWithAKnownOutcome() {
    fake.failNext("add-system-manager", 1,
        "pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on 'mariadb'\")");

    assertThatThrownBy(() -> type.create(spec(), ctx)).isInstanceOfSatisfying(RetryableException.class,
        e -> assertThat(e.outcomeUnknown()).as("the site was dropped again: nothing is left").isFalse());
    assertThat(fake.liveObjects()).isEmpty();

    CreateResult<SiteOutputs> retried = type.create(spec(), ctx.withAttempt(2));
    assertThat(retried.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.sites()).containsExactly(SITE);
  }

  @Test
  void aCommandStoppedOnTheBenchHostByItsTimeLimitAfterTheSiteExistsDropsIt() {
    fake.hangNext("install-app");

    assertThatThrownBy(() -> type.create(spec(), ctx)).isInstanceOfSatisfying(RetryableException.class,
        e -> assertThat(e.outcomeUnknown()).isFalse())
        .hasMessageContaining("install-app erpnext").hasMessageContaining("ran past its time limit of 520s");
    assertThat(fake.liveObjects()).isEmpty();
  }

  @Test
  void aCommandTimedOutByItsClientAfterTheSiteExistsDropsIt() {
    Map<String, Object> bare = TestConfigs.local();
    bare.put("processGuards", false);
    TestStepContext c = ctx.newBuilder().config(TestConfigs.record(bare)).build();
    runner.inject(CommandFault.timeout().on("bench", "--site", SITE, "install-app").times(1));

    assertThatThrownBy(() -> type.create(spec(), c)).isInstanceOfSatisfying(RetryableException.class,
        e -> assertThat(e.outcomeUnknown()).isFalse());
    assertThat(fake.liveObjects()).isEmpty();
  }

  @Test
  void whenTheSiteCannotBeDroppedAgainTheOutcomeIsUnknown() {
    fake.failNext("install-app", 1, "App erpnext not in apps.txt");
    fake.failNext("drop-site", 1, "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server')");

    assertThatThrownBy(() -> type.create(spec(), ctx)).isInstanceOfSatisfying(RetryableException.class,
        e -> assertThat(e.outcomeUnknown()).isTrue())
        .hasMessageContaining("not in apps.txt").hasMessageContaining("could not be dropped again");
    assertThat(fake.sites()).containsExactly(SITE);

    type.delete(spec(), null, ctx);
    assertThat(fake.liveObjects()).isEmpty();
  }

  @Test
  void aNewSiteThatHangsHalfwayIsDroppedSoNothingIsLeft() {
    fake.hangMidwayNext("new-site");

    assertThatThrownBy(() -> type.create(spec(), ctx)).isInstanceOfSatisfying(RetryableException.class,
        e -> assertThat(e.outcomeUnknown()).isFalse());
    assertThat(fake.liveObjects()).isEmpty();
    assertThat(fake.history()).contains(SITE + " drop-site");
  }

  @Test
  void aCrashBetweenNewSiteAndTheMarkerIsResumedOnTheSiteThatCarriesOurDatabaseName() {
    fake.afterEachCall(n -> {
      if (fake.history().get(fake.history().size() - 1).endsWith(" new-site")) {
        fake.afterEachCall(m -> {});
        throw new Crash();
      }
    });
    assertThatThrownBy(() -> type.create(spec(), ctx)).isInstanceOf(Crash.class);
    assertThat(fake.site(SITE).orElseThrow().owner()).isNull();

    CreateResult<SiteOutputs> resumed = type.create(spec(), ctx.withAttempt(2));
    assertThat(resumed.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.site(SITE).orElseThrow().owner()).isEqualTo(ctx.ownershipMarker());
    assertThat(fake.history()).filteredOn(h -> h.endsWith(" new-site")).hasSize(1);
    assertThat(fake.history()).filteredOn(h -> h.endsWith(" drop-site")).isEmpty();
  }

  @Test
  void aCrashDuringAHalfMadeNewSiteIsResumedByDroppingAndMakingTheSiteAgain() {
    fake.hangMidwayNext("new-site");
    fake.afterEachCall(n -> {
      if (fake.history().get(fake.history().size() - 1).endsWith(" new-site")) {
        fake.afterEachCall(m -> {});
        throw new Crash();
      }
    });
    assertThatThrownBy(() -> type.create(spec(), ctx)).isInstanceOf(Crash.class);
    assertThat(fake.site(SITE).orElseThrow().complete()).isFalse();

    CreateResult<SiteOutputs> resumed = type.create(spec(), ctx.withAttempt(2));
    assertThat(resumed.origin()).isEqualTo(CreateResult.Origin.CREATED);
    SiteView site = fake.site(SITE).orElseThrow();
    assertThat(site.complete()).isTrue();
    assertThat(site.apps()).containsExactly("frappe", "erpnext");
    assertThat(fake.history()).containsSubsequence(SITE + " new-site", SITE + " drop-site", SITE + " new-site");
  }

  @Test
  void anExistingUserIsNotAddedAgainAndADuplicateRaceCountsAsSuccess() {
    Map<String, Object> bare = TestConfigs.local();
    bare.put("processGuards", false);
    TestStepContext c = ctx.newBuilder().config(TestConfigs.record(bare)).build();
    SiteOutputs out = type.create(spec(), c).outputs();
    type.update(spec(), spec(), out, c);
    assertThat(fake.received("--site", SITE, "add-system-manager")).hasSize(1);

    // someone adds the user between our lookup and add-system-manager: bench answers DuplicateEntryError
    runner.when("bench", "--site", SITE, "execute", "frappe.db.exists").thenReturn(0, "", "");
    type.update(spec(), spec(), out, c);
    assertThat(fake.received("--site", SITE, "add-system-manager")).hasSize(2);
    RecordedCommand add = runner.invocations("sh", "-c").stream().filter(r -> r.exitCode() != null && r.exitCode() == 1)
        .reduce((a, b) -> b).orElseThrow();
    assertThat(add.stderr()).contains("DuplicateEntryError");
  }

  @Test
  void readFindsTheSiteFromTheSpecAloneAndIsEmptyAfterDelete() {
    SiteOutputs out = type.create(spec(), ctx).outputs();

    SiteOutputs read = type.read(spec(), null, ctx).orElseThrow();
    assertThat(read.site()).isEqualTo(SITE);
    assertThat(read.apps()).containsExactly("frappe", "erpnext");
    assertThat(read.apiKey()).isEqualTo(out.apiKey());
    assertThat(read.apiSecret()).as("a secret cannot be read back").isNull();
    assertThat(type.read(spec(), out, ctx)).contains(out);

    type.delete(spec(), out, ctx);
    type.delete(spec(), out, ctx);
    assertThat(type.read(spec(), out, ctx)).isEmpty();
    assertThat(fake.liveObjects()).isEmpty();
    assertThat(fake.received("drop-site")).as("the second delete saw the site gone and dropped nothing").hasSize(1);
  }

  @Test
  void deleteLeavesAForeignSiteAlone() {
    fake.plantSite(SITE, "tw:globex/demo/site@0123456789ab");
    type.delete(spec(), null, ctx);
    assertThat(fake.sites()).containsExactly(SITE);
    assertThat(type.read(spec(), null, ctx)).as("a foreign site is not this resource's object").isEmpty();
  }

  @Test
  void updateInstallsAndUninstallsAppsSetsAndRemovesConfigAndTakesANewBaseline() {
    SiteSpec before = spec();
    SiteOutputs out = type.create(before, ctx).outputs();
    Map<String, Object> cfg = new LinkedHashMap<>(before.config());
    cfg.remove("host_name");
    cfg.put("max_file_size", 20971520);
    SiteSpec after = new SiteSpec(null, Secret.of("new-admin-pass"), List.of("hrms"), cfg, before.user(), null);

    SiteOutputs updated = type.update(after, before, out, ctx);

    SiteView site = fake.site(SITE).orElseThrow();
    assertThat(site.apps()).containsExactly("frappe", "hrms");
    assertThat(site.config()).doesNotContainKey("host_name").containsEntry("max_file_size", 20971520L);
    assertThat(site.users().get("Administrator").password()).isEqualTo("new-admin-pass");
    assertThat(updated.apps()).containsExactly("frappe", "hrms");
    assertThat(updated.apiSecret()).as("keys are kept").isEqualTo(out.apiSecret());
    assertThat(updated.baselineBackup()).as("the other slot").isNotEqualTo(out.baselineBackup())
        .endsWith("/baseline-b.sql.gz");
    assertThat(fake.received("--site", SITE, "uninstall-app").get(0).benchArgv())
        .containsExactly("--site", SITE, "uninstall-app", "erpnext", "--yes", "--no-backup");
    List<BenchFake.Invocation> hostName = fake.received("--site", SITE, "set-config", "--", "host_name");
    assertThat(hostName.get(hostName.size() - 1).benchArgv())
        .containsExactly("--site", SITE, "set-config", "--", "host_name", "None");

    SiteOutputs twice = type.update(after, after, updated, ctx);
    assertThat(twice).isEqualTo(updated);
    SiteSpec third = new SiteSpec(null, Secret.of("third-admin-pass"), List.of("hrms"), cfg, before.user(), null);
    SiteOutputs thrice = type.update(third, after, twice, ctx);
    assertThat(thrice.baselineBackup()).as("back to the first slot").isEqualTo(out.baselineBackup());
    assertThat(fake.backups()).as("never more than two baselines").hasSize(2);
  }

  @Test
  void updateRefusesToRenameTheSite() {
    SiteOutputs out = type.create(spec(), ctx).outputs();
    SiteSpec renamed = new SiteSpec("renamed.erp.example.test", Secret.of("admin-pass"), null, null, null, null);
    assertThatThrownBy(() -> type.update(renamed, spec(), out, ctx)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("cannot be renamed");
  }

  @Test
  void resetRestoresTheBaselineBackup() {
    SiteOutputs out = type.create(spec(), ctx).outputs();
    runner.run(Command.builder("bench", "--site", SITE, "add-user", "test-data@acme.example")
        .workingDir(Path.of(BenchFake.DEFAULT_BENCH_DIR)).build()).requireSuccess();
    runner.run(Command.builder("bench", "--site", SITE, "install-app", "payments")
        .workingDir(Path.of(BenchFake.DEFAULT_BENCH_DIR)).build()).requireSuccess();

    SiteOutputs reset = type.reset(spec(), out, ctx);

    assertThat(reset).isEqualTo(out);
    SiteView site = fake.site(SITE).orElseThrow();
    assertThat(site.users()).doesNotContainKey("test-data@acme.example").containsKey("owner@acme.example");
    assertThat(site.apps()).containsExactly("frappe", "erpnext");
    assertThat(site.users().get("owner@acme.example").apiSecret()).isEqualTo(out.apiSecret().reveal());
    assertThat(site.owner()).isEqualTo(ctx.ownershipMarker());
    assertThat(fake.received("--site", SITE, "--force", "restore").get(0).benchArgv())
        .containsExactly("--site", SITE, "--force", "restore", "--mariadb-root-username", "root",
            "--mariadb-root-password", TestConfigs.ROOT_PASSWORD, "--admin-password", "admin-pass", "--",
            out.baselineBackup());
    assertThat(type.reset(spec(), out, ctx)).isEqualTo(out);
  }

  @Test
  void resetWithoutAKnownBaselineReinstallsAndConvergesAgain() {
    SiteOutputs out = type.create(spec(), ctx).outputs();
    SiteOutputs unknown = new SiteOutputs(out.site(), out.url(), out.dbName(), out.apps(), out.user(), out.apiUser(),
        out.apiKey(), out.apiSecret(), null);

    SiteOutputs reset = type.reset(spec(), unknown, ctx);

    assertThat(fake.received("--site", SITE, "reinstall")).hasSize(1);
    assertThat(reset.baselineBackup()).isNotNull();
    assertThat(reset.apiSecret()).isNotEqualTo(out.apiSecret());
    assertThat(fake.site(SITE).orElseThrow().users().get("owner@acme.example").apiSecret())
        .isEqualTo(reset.apiSecret().reveal());
  }

  @Test
  void resetOfAVanishedSiteIsPermanent() {
    SiteOutputs out = type.create(spec(), ctx).outputs();
    type.delete(spec(), out, ctx);
    assertThatThrownBy(() -> type.reset(spec(), out, ctx)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("no longer exists");
  }

  @Test
  void databaseOutagesAreRetryableAndBadCredentialsPermanent() {
    fake.failNext("new-site", 1, "pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on 'db'\")");
    assertThatThrownBy(() -> type.create(spec(), ctx)).isInstanceOf(RetryableException.class);
    FrappeConfig wrongRoot = TestConfigs.record(withRootPassword("wrong"));
    assertThatThrownBy(() -> type.create(spec(), ctx.newBuilder().config(wrongRoot).build()))
        .isInstanceOf(PermanentException.class).hasMessageContaining("1045");
    fake.failNext("show-config", 1, "Error response from daemon: Container frappe-backend is restarting");
    assertThatThrownBy(() -> type.read(spec(), null, ctx)).isInstanceOfSatisfying(RetryableException.class,
        e -> assertThat(e.outcomeUnknown()).as("a read changes nothing").isFalse());
    assertThat(fake.liveObjects()).isEmpty();
  }

  @Test
  void theSameTypeWorksThroughDockerAndSsh() {
    for (Map<String, Object> transport : List.of(TestConfigs.docker(), TestConfigs.ssh())) {
      fake.reset();
      runner.reset();
      FrappeConfig cfg = TestConfigs.record(transport);
      TestStepContext c = ctx.newBuilder().config(cfg).build();
      SiteOutputs out = type.create(spec(), c).outputs();
      assertThat(fake.site(SITE).orElseThrow().apps()).as("%s", transport.get("transport"))
          .containsExactly("frappe", "erpnext");
      assertThat(fake.site(SITE).orElseThrow().users().get("owner@acme.example").apiSecret())
          .isEqualTo(out.apiSecret().reveal());
      assertThat(type.create(spec(), c).origin()).isEqualTo(CreateResult.Origin.CREATED);
      assertThat(type.reset(spec(), out, c)).isEqualTo(out);
      type.delete(spec(), out, c);
      assertThat(fake.liveObjects()).isEmpty();
      assertThat(runner.invocations()).allSatisfy(i -> assertThat(i.program()).isEqualTo(transport.get("transport")));
    }
  }

  static Map<String, Object> withRootPassword(String password) {
    Map<String, Object> m = TestConfigs.local();
    m.put("dbRootPassword", password);
    return m;
  }
}
