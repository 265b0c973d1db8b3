package dev.tenantwright.testkit.frappe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.CommandFault;
import dev.tenantwright.testkit.CommandRunnerFake;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchFakeTest {

  static final String DIR = BenchFake.DEFAULT_BENCH_DIR;
  static final String SITE = "a.example.test";

  final BenchFake bench = new BenchFake().rootCredentials("root", "rootpw");
  final CommandRunnerFake runner = bench.attachTo(new CommandRunnerFake());

  CommandResult local(String... args) {
    return runner.run(Command.builder("bench", args).workingDir(Path.of(DIR)).build());
  }

  CommandResult newSite(String site) {
    return runner.run(Command.builder("bench", "new-site", site, "--mariadb-root-password").secretArg(Secret.of("rootpw"))
        .arg("--admin-password").secretArg(Secret.of("adminpw")).workingDir(Path.of(DIR)).build());
  }

  @Test
  void newSiteTwiceFailsWithBenchsMessage() {
    assertThat(newSite(SITE).exitCode()).isZero();
    CommandResult again = newSite(SITE);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.stderr()).contains("Site " + SITE + " already exists, use `--force` to proceed anyway");
    assertThat(bench.liveObjects()).containsExactly("site " + SITE);
    assertThat(bench.site(SITE).orElseThrow().users().get("Administrator").password()).isEqualTo("adminpw");
  }

  @Test
  void newSiteWithoutPasswordsAbortsAndWithWrongRootCredentialsIsDenied() {
    assertThat(local("new-site", SITE).stderr()).contains("Aborted!");
    CommandResult denied = runner.run(Command.builder("bench", "new-site", SITE, "--mariadb-root-password", "nope",
        "--admin-password", "x").workingDir(Path.of(DIR)).build());
    assertThat(denied.exitCode()).isEqualTo(1);
    assertThat(denied.stderr()).contains("(1045, \"Access denied for user 'root'@'localhost'");
    assertThat(bench.liveObjects()).isEmpty();
  }

  @Test
  void installAppIsIdempotentAndRefusesAnAppNotInAppsTxt() {
    newSite(SITE);
    assertThat(local("--site", SITE, "install-app", "erpnext").stdout()).contains("Installing erpnext");
    CommandResult again = local("--site", SITE, "install-app", "erpnext");
    assertThat(again.exitCode()).isZero();
    assertThat(again.stdout()).contains("App erpnext already installed");
    CommandResult missing = local("--site", SITE, "install-app", "crm");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).contains("App crm not in apps.txt");
    assertThat(bench.site(SITE).orElseThrow().apps()).containsExactly("frappe", "erpnext");
    assertThat(local("--site", SITE, "uninstall-app", "hrms", "--yes").stdout()).contains("not installed on Site");
  }

  @Test
  void addingAnExistingUserFailsWithADuplicateEntryError() {
    newSite(SITE);
    assertThat(local("--site", SITE, "add-system-manager", "ops@a.example", "--first-name", "Ops").exitCode()).isZero();
    CommandResult dup = local("--site", SITE, "add-user", "ops@a.example");
    assertThat(dup.exitCode()).isEqualTo(1);
    assertThat(dup.stderr()).contains("DuplicateEntryError");
    assertThat(local("--site", SITE, "add-system-manager", "ops@a.example").stderr()).contains("DuplicateEntryError");
    assertThat(local("--site", SITE, "execute", "frappe.db.exists", "--args", "['User', 'ops@a.example']").stdout())
        .isEqualTo("\"ops@a.example\"\n");
    assertThat(local("--site", SITE, "execute", "frappe.db.exists", "--args", "['User', 'nobody@a.example']").stdout())
        .isEmpty();
  }

  @Test
  void dropSiteOfAMissingSiteFailsAndADroppedSiteIsArchived() {
    CommandResult missing = runner.run(Command.builder("bench", "drop-site", SITE, "--force", "--no-backup",
        "--mariadb-root-password", "rootpw").workingDir(Path.of(DIR)).build());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).contains("IncorrectSitePath: 404 Not Found: " + SITE + " does not exist");

    newSite(SITE);
    assertThat(runner.run(Command.builder("bench", "drop-site", SITE, "--no-backup", "--root-password", "rootpw")
        .workingDir(Path.of(DIR)).build()).exitCode()).isZero();
    assertThat(bench.liveObjects()).isEmpty();
    assertThat(bench.archived()).containsExactly("archived/sites/" + SITE);
  }

  @Test
  void backupWritesANamedFileAndRestoreBringsTheDatabaseBack() {
    newSite(SITE);
    local("--site", SITE, "install-app", "erpnext");
    CommandResult backup = local("--site", SITE, "backup");
    String file = bench.backups().get(0);
    assertThat(file).matches("\\./a\\.example\\.test/private/backups/\\d{8}_\\d{6}-a_example_test-database\\.sql\\.gz");
    assertThat(backup.stdout()).contains("Backup Summary for " + SITE).contains("Database: " + file);

    local("--site", SITE, "install-app", "hrms");
    local("--site", SITE, "add-user", "test@a.example");
    CommandResult restored = runner.run(Command.builder("bench", "--site", SITE, "--force", "restore", file,
        "--mariadb-root-password", "rootpw", "--admin-password", "newadmin").workingDir(Path.of(DIR)).build());
    assertThat(restored.exitCode()).isZero();
    BenchFake.SiteView site = bench.site(SITE).orElseThrow();
    assertThat(site.apps()).containsExactly("frappe", "erpnext");
    assertThat(site.users()).doesNotContainKey("test@a.example");
    assertThat(site.users().get("Administrator").password()).isEqualTo("newadmin");
    CommandResult missing = local("--site", SITE, "--force", "restore", "./nope.sql.gz", "--mariadb-root-password",
        "rootpw");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stdout()).as("frappe v15's message").endsWith("File ./nope.sql.gz not found.\n")
        .doesNotContain("Invalid path");
  }

  @Test
  void setConfigCoercesLikeBenchAndShowConfigPrintsJsonPerSite() {
    newSite(SITE);
    local("--site", SITE, "set-config", "owner", "tw:a/demo/site@1");
    local("--site", SITE, "set-config", "flag", "1");
    local("--site", SITE, "set-config", "size", "1024", "--parse");
    local("--site", SITE, "set-config", "on", "True", "--parse");
    local("--site", SITE, "set-config", "gone", "x");
    local("--site", SITE, "set-config", "gone", "None");
    CommandResult show = local("--site", SITE, "show-config", "--format", "json");
    assertThat(show.stdout()).startsWith("{").contains("\"" + SITE + "\"").contains("\"flag\" : 1")
        .contains("\"size\" : 1024").contains("\"on\" : true").contains("\"db_name\"").doesNotContain("\"gone\"");
    assertThat(local("--site", "missing.example", "show-config").stderr()).contains("IncorrectSitePath");
  }

  @Test
  void executeAcceptsOnlyPythonLiteralsAsArguments() {
    newSite(SITE);
    CommandResult injected = local("--site", SITE, "execute", "frappe.db.exists", "--args",
        "['User', __import__('os').system('id')]");
    assertThat(injected.exitCode()).isEqualTo(1);
    assertThat(injected.stderr()).contains("SyntaxError");
    assertThat(local("--site", SITE, "execute", "frappe.get_installed_apps").stdout()).isEqualTo("[\"frappe\"]\n");
    CommandResult keys = local("--site", SITE, "execute", "frappe.core.doctype.user.user.generate_keys", "--args",
        "['Administrator']");
    assertThat(keys.stdout()).contains("\"api_secret\"");
    CommandResult set = local("--site", SITE, "execute", "frappe.client.set_value", "--kwargs",
        "{'doctype': 'User', 'name': 'Administrator', 'fieldname': {'api_key': 'k1', 'api_secret': 's3cr3t'}}");
    assertThat(set.stdout()).contains("\"api_secret\":\"******\"").doesNotContain("s3cr3t");
    assertThat(bench.site(SITE).orElseThrow().users().get("Administrator").apiSecret()).isEqualTo("s3cr3t");
  }

  @Test
  void dockerExecMustNameTheContainerAndTheBenchDirectory() {
    CommandResult ok = runner.run(Command.builder("docker", "exec", "-i", "-w", DIR, BenchFake.DEFAULT_CONTAINER,
        "bench", "new-site", SITE, "--mariadb-root-password", "rootpw", "--admin-password", "a").build());
    assertThat(ok.exitCode()).isZero();
    assertThat(runner.run(Command.builder("docker", "exec", "-i", "-w", DIR, "other", "bench", "list-apps").build())
        .stderr()).contains("No such container: other");
    assertThat(runner.run(Command.builder("docker", "exec", "-i", BenchFake.DEFAULT_CONTAINER, "bench", "--site",
        SITE, "list-apps").build()).stderr()).contains("No such command 'list-apps'");
    assertThat(bench.received().get(0).transport()).isEqualTo(BenchFake.Transport.DOCKER);
    assertThat(bench.received().get(0).benchArgv()).startsWith("new-site", SITE);
  }

  @Test
  void sshCommandStringsAreParsedByAPosixShellAndSecretsComeFromStdin() {
    String remote = "IFS= read -r tw_secret_1 && IFS= read -r tw_secret_2 && cd '" + DIR + "' && exec 'bench' "
        + "'new-site' '" + SITE + "' '--mariadb-root-password' \"$tw_secret_1\" '--admin-password' \"$tw_secret_2\"";
    CommandResult r = runner.run(Command.builder("ssh", "-T", "-o", "BatchMode=yes", "-p", "22",
        BenchFake.DEFAULT_SSH_DESTINATION, "--", remote).stdin(Secret.of("rootpw\n it's $(x) \n")).build());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(bench.site(SITE).orElseThrow().users().get("Administrator").password()).isEqualTo(" it's $(x) ");
    BenchFake.Invocation inv = bench.received().get(0);
    assertThat(inv.transport()).isEqualTo(BenchFake.Transport.SSH);
    assertThat(inv.benchDir()).isEqualTo(DIR);
    assertThat(inv.remoteCommand()).isEqualTo(remote);
    assertThat(inv.benchArgv()).containsExactly("new-site", SITE, "--mariadb-root-password", "rootpw",
        "--admin-password", " it's $(x) ");
  }

  @Test
  void theRemoteShellRefusesAnythingAQuotingMistakeWouldLetThrough() {
    List<String> refused = List.of(
        "cd '" + DIR + "' && bench --site a.example; reboot",
        "cd '" + DIR + "' && bench $(id)",
        "cd '" + DIR + "' && bench `id`",
        "cd '" + DIR + "' && bench a | sh",
        "cd '" + DIR + "' && bench * ",
        "cd '" + DIR + "' && bench 'unterminated",
        "cd '" + DIR + "' && bench > /etc/passwd",
        "cd '" + DIR + "' && bench \"$(id)\"");
    for (String remote : refused) {
      CommandResult r = runner.run(Command.builder("ssh", BenchFake.DEFAULT_SSH_DESTINATION, "--", remote).build());
      assertThat(r.exitCode()).as(remote).isEqualTo(2);
      assertThat(r.stderr()).as(remote).containsAnyOf("refuses", "Unterminated");
    }
    assertThat(bench.history()).as("bench never ran").isEmpty();
    assertThat(runner.run(Command.builder("ssh", "root@elsewhere.example", "--", "true").build()).exitCode())
        .isEqualTo(255);
    CommandResult notFound = runner.run(Command.builder("ssh", BenchFake.DEFAULT_SSH_DESTINATION, "--",
        "cd '" + DIR + "' && 'rm' '-rf' '/'").build());
    assertThat(notFound.exitCode()).isEqualTo(127);
  }

  @Test
  void sshJoinsSeveralCommandArgumentsWithSpacesLikeRealSsh() {
    newSite(SITE);
    CommandResult r = runner.run(Command.builder("ssh", BenchFake.DEFAULT_SSH_DESTINATION, "cd", DIR, "&&", "bench",
        "--site", SITE, "set-config", "note", "two words").build());
    assertThat(r.exitCode()).as("unquoted, the value was split into two arguments").isEqualTo(2);
    assertThat(r.stderr()).contains("Got unexpected extra argument (words)");
    assertThat(bench.site(SITE).orElseThrow().config()).doesNotContainKey("note");
  }

  @Test
  void injectedFailuresHitTheNamedSubcommand() {
    bench.failNth("new-site", 2, 1, "pymysql.err.OperationalError: (2003, \"Can't connect\")");
    assertThat(newSite("one.example").exitCode()).isZero();
    assertThat(newSite("two.example").stderr()).contains("2003");
    assertThat(newSite("two.example").exitCode()).isZero();

    bench.hangNext("install-app");
    assertThatThrownBy(() -> local("--site", "one.example", "install-app", "erpnext"))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.outcomeUnknown()).isTrue());
    assertThat(bench.site("one.example").orElseThrow().apps()).containsExactly("frappe");

    bench.hangMidwayNext("new-site");
    assertThatThrownBy(() -> newSite("half.example")).isInstanceOf(RetryableException.class);
    assertThat(bench.site("half.example").orElseThrow().complete()).isFalse();
    assertThat(local("--site", "half.example", "execute", "frappe.get_installed_apps").stderr()).contains("1146");

    bench.failAlways("backup", 1, "boom");
    assertThat(local("--site", "one.example", "backup").exitCode()).isEqualTo(1);
    assertThat(local("--site", "one.example", "backup").exitCode()).isEqualTo(1);
    bench.clearFailures();
    assertThat(local("--site", "one.example", "backup").exitCode()).isZero();

    runner.inject(CommandFault.timeout().on("bench", "--site", "one.example", "install-app").times(1));
    assertThatThrownBy(() -> local("--site", "one.example", "install-app", "erpnext"))
        .isInstanceOf(RetryableException.class);
  }

  @Test
  void countsCallsPlantsSitesAndResets() {
    List<Integer> seen = new ArrayList<>();
    bench.afterEachCall(seen::add);
    bench.plantSite("planted.example", "tw:t/demo/site@0", "erpnext");
    assertThat(local("--site", "planted.example", "list-apps", "--format", "json").stdout()).contains("erpnext");
    newSite(SITE);
    assertThat(seen).containsExactly(1, 2);
    assertThat(bench.site("planted.example").orElseThrow().owner()).isEqualTo("tw:t/demo/site@0");
    assertThat(bench.liveObjects()).containsExactly("site a.example.test", "site planted.example");
    runner.reset();
    assertThat(bench.liveObjects()).isEmpty();
    assertThat(bench.received()).isEmpty();
    runner.assertNothingLeaked();
  }

  @Test
  void outsideTheBenchDirectoryBenchKnowsNoSiteCommands() {
    CommandResult r = runner.run(Command.builder("bench", "new-site", SITE).workingDir(Path.of("/tmp")).build());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("No such command 'new-site'");
  }

  @Test
  void aNewSiteHasItsSchedulerDisabledUntilSchedulerEnableAndStatusSeesPauseAndMaintenanceMode() {
    assertThat(newSite(SITE).stdout()).contains("*** Scheduler is disabled ***");
    assertThat(bench.site(SITE).orElseThrow().schedulerEnabled()).isFalse();
    assertThat(local("--site", SITE, "scheduler", "status").stdout()).isEqualTo("Scheduler is disabled for site "
        + SITE + "\n");

    assertThat(local("--site", SITE, "scheduler", "enable").stdout()).isEqualTo("Scheduler is enabled for site "
        + SITE + "\n");
    assertThat(local("--site", SITE, "scheduler", "status", "--format", "json").stdout())
        .isEqualTo("{\"status\": \"enabled\", \"site\": \"" + SITE + "\"}\n");
    assertThat(bench.site(SITE).orElseThrow().schedulerActive()).isTrue();

    local("--site", SITE, "scheduler", "pause");
    assertThat(bench.site(SITE).orElseThrow().config()).containsEntry("pause_scheduler", true);
    assertThat(local("--site", SITE, "scheduler", "status").stdout()).contains("disabled");
    local("--site", SITE, "scheduler", "resume");
    local("--site", SITE, "set-config", "maintenance_mode", "1");
    assertThat(bench.site(SITE).orElseThrow().schedulerActive()).isFalse();
    local("--site", SITE, "set-config", "maintenance_mode", "0");
    assertThat(bench.site(SITE).orElseThrow().schedulerActive()).isTrue();
    assertThat(local("--site", SITE, "scheduler", "sometimes").exitCode()).isEqualTo(2);
  }

  @Test
  void restoreAndReinstallKeepTheSchedulerFlagTheSiteHadBefore() {
    newSite(SITE);
    local("--site", SITE, "backup");
    String disabledBackup = bench.backups().get(0);
    local("--site", SITE, "scheduler", "enable");

    assertThat(local("--site", SITE, "--force", "restore", disabledBackup, "--mariadb-root-password", "rootpw")
        .exitCode()).isZero();
    assertThat(bench.site(SITE).orElseThrow().schedulerEnabled()).isTrue();
    assertThat(local("--site", SITE, "reinstall", "--yes", "--mariadb-root-password", "rootpw", "--admin-password",
        "a").exitCode()).isZero();
    assertThat(bench.site(SITE).orElseThrow().schedulerEnabled()).isTrue();
  }

  @Test
  void everyBackupDeletesTheFilesInPrivateBackupsOlderThanADayButNothingElsewhere() {
    newSite(SITE);
    local("--site", SITE, "backup");
    String rotated = bench.backups().get(0);
    CommandResult outside = local("--site", SITE, "backup", "--backup-path-db",
        "./" + SITE + "/private/tenantwright-baseline/baseline-a.sql.gz");
    assertThat(outside.stdout()).contains("Database: ./" + SITE + "/private/tenantwright-baseline/baseline-a.sql.gz");

    bench.advanceClock(Duration.ofHours(23));
    local("--site", SITE, "backup");
    assertThat(bench.backups()).as("younger than a day").contains(rotated);

    bench.advanceClock(Duration.ofHours(2));
    local("--site", SITE, "backup");
    assertThat(bench.backups()).doesNotContain(rotated)
        .contains("./" + SITE + "/private/tenantwright-baseline/baseline-a.sql.gz").hasSize(3);
    CommandResult gone = local("--site", SITE, "--force", "restore", rotated, "--mariadb-root-password", "rootpw");
    assertThat(gone.stdout()).contains("File " + rotated + " not found.");

    local("--site", SITE, "set-config", "keep_backups_for_hours", "1", "--parse");
    bench.advanceClock(Duration.ofHours(1));
    local("--site", SITE, "backup");
    assertThat(bench.backups()).hasSize(2);

    runner.run(Command.builder("bench", "drop-site", SITE, "--no-backup", "--root-password", "rootpw")
        .workingDir(Path.of(DIR)).build());
    assertThat(bench.backups()).as("the site directory moved to the archive with its backups").isEmpty();
  }

  @Test
  void setConfigCoercesEvenAfterParseAndClickRulesApply() {
    newSite(SITE);
    local("--site", SITE, "set-config", "quoted", "'1'", "--parse");
    local("--site", SITE, "set-config", "word", "true");
    local("--site", SITE, "set-config", "nothing", "None", "--parse");
    CommandResult help = local("--site", SITE, "set-config", "flag", "--help");
    assertThat(help.exitCode()).as("click's eager --help").isZero();
    assertThat(help.stdout()).startsWith("Usage:");
    assertThat(local("--site", SITE, "set-config", "dash", "-x").stderr()).contains("No such option: -x");
    assertThat(local("--site", SITE, "set-config", "--", "dashed", "--help").exitCode()).isZero();
    assertThat(bench.site(SITE).orElseThrow().config()).containsEntry("quoted", 1L).containsEntry("word", true)
        .containsEntry("nothing", null).containsEntry("dashed", "--help").doesNotContainKeys("flag", "dash");
  }

  @Test
  void shDashCReadsSecretsFromStdinLocallyAndInTheContainer() {
    String script = "IFS= read -r tw_secret_1 && IFS= read -r tw_secret_2 && exec 'bench' 'new-site' '" + SITE
        + "' '--mariadb-root-password' \"$tw_secret_1\" '--admin-password' \"$tw_secret_2\"";
    CommandResult r = runner.run(Command.builder("sh", "-c", script).workingDir(Path.of(DIR))
        .stdin(Secret.of("rootpw\nit's $(x)\n")).build());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(bench.site(SITE).orElseThrow().users().get("Administrator").password()).isEqualTo("it's $(x)");
    BenchFake.Invocation inv = bench.received().get(0);
    assertThat(inv.remoteCommand()).isEqualTo(script);
    assertThat(inv.argv()).containsExactly("sh", "-c", script);
    assertThat(inv.benchArgv()).contains("rootpw", "it's $(x)");

    CommandResult docker = runner.run(Command.builder("docker", "exec", "-i", "-w", DIR, BenchFake.DEFAULT_CONTAINER,
        "sh", "-c", script.replace(SITE, "b.example.test")).stdin(Secret.of("rootpw\nx\n")).build());
    assertThat(docker.exitCode()).as(docker.stderr()).isZero();
    assertThat(bench.received().get(1).transport()).isEqualTo(BenchFake.Transport.DOCKER);
    assertThat(bench.sites()).contains("b.example.test");
  }

  @Test
  void benchUnderTimeoutIsStoppedOnTheBenchHostWithExit124() {
    newSite(SITE);
    bench.hangNext("install-app");
    CommandResult r = runner.run(Command.builder("timeout", "-k", "10s", "60s", "bench", "--site", SITE, "install-app",
        "erpnext").workingDir(Path.of(DIR)).timeout(Duration.ofMinutes(2)).build());
    assertThat(r.exitCode()).isEqualTo(124);
    assertThat(bench.now()).isEqualTo(BenchFake.START.plusSeconds(60));
    assertThat(bench.received().get(1).timeLimit()).isEqualTo(Duration.ofSeconds(60));
    assertThat(bench.orphansRunning()).isZero();
  }

  @Test
  void aProcessWhoseDockerClientIsGoneRunsOnHoldingItsLockAndFinishesLater() {
    String lock = "sites/.tenantwright-" + SITE + ".lock";
    bench.detachNext("new-site", Duration.ofMinutes(5));
    assertThatThrownBy(() -> runner.run(Command.builder("docker", "exec", "-i", "-w", DIR, BenchFake.DEFAULT_CONTAINER,
        "flock", "-E", "75", "-w", "60", lock, "bench", "new-site", SITE, "--mariadb-root-password", "rootpw",
        "--admin-password", "a").build()))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.outcomeUnknown()).isTrue());
    assertThat(bench.site(SITE).orElseThrow().complete()).as("still installing").isFalse();
    assertThat(bench.orphansRunning()).isEqualTo(1);

    CommandResult busy = runner.run(Command.builder("docker", "exec", "-i", "-w", DIR, BenchFake.DEFAULT_CONTAINER,
        "flock", "-E", "75", "-w", "60", lock, "bench", "drop-site", SITE, "--no-backup", "--root-password", "rootpw")
        .build());
    assertThat(busy.exitCode()).as("flock gave up after 60 s").isEqualTo(75);
    assertThat(bench.sites()).containsExactly(SITE);
    assertThat(bench.now()).isEqualTo(BenchFake.START.plusSeconds(60));

    CommandResult waited = runner.run(Command.builder("docker", "exec", "-i", "-w", DIR, BenchFake.DEFAULT_CONTAINER,
        "flock", "-w", "600", lock, "bench", "--site", SITE, "list-apps").build());
    assertThat(waited.exitCode()).as("flock waited for the new-site to finish").isZero();
    assertThat(bench.now()).isEqualTo(BenchFake.START.plus(Duration.ofMinutes(5)));
    assertThat(bench.site(SITE).orElseThrow().complete()).isTrue();
    assertThat(bench.races()).isEmpty();
  }

  @Test
  void changingASiteWithoutTheLockWhileAnOrphanWorksOnItIsARace() {
    bench.detachNext("new-site", Duration.ofMinutes(5));
    assertThatThrownBy(() -> runner.run(Command.builder("ssh", BenchFake.DEFAULT_SSH_DESTINATION, "--", "cd '" + DIR
        + "' && exec 'bench' 'new-site' '" + SITE + "' '--mariadb-root-password' 'rootpw' '--admin-password' 'a'")
        .build())).isInstanceOf(RetryableException.class);
    runner.run(Command.builder("bench", "drop-site", SITE, "--no-backup", "--root-password", "rootpw")
        .workingDir(Path.of(DIR)).build());
    bench.advanceClock(Duration.ofMinutes(10));

    assertThat(bench.races()).containsExactly(
        "drop-site of " + SITE + " ran while new-site of " + SITE + " was still running on the bench host",
        "new-site of " + SITE + " finished after the site had been dropped or made again meanwhile");
    assertThat(bench.orphansRunning()).isZero();
  }

  @Test
  void aLocalProcessDiesWithItsTimedOutClient() {
    bench.slowNext("new-site", Duration.ofMinutes(30));
    assertThatThrownBy(() -> runner.run(Command.builder("bench", "new-site", SITE, "--mariadb-root-password", "rootpw",
        "--admin-password", "a").workingDir(Path.of(DIR)).timeout(Duration.ofMinutes(1)).build()))
        .isInstanceOf(RetryableException.class);
    assertThat(bench.orphansRunning()).isZero();
    assertThat(bench.site(SITE).orElseThrow().complete()).isFalse();
    bench.advanceClock(Duration.ofHours(1));
    assertThat(bench.site(SITE).orElseThrow().complete()).isFalse();
  }
}
