package dev.tenantwright.testkit.frappe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.CommandFault;
import dev.tenantwright.testkit.FakeCommandRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeBenchTest {

  static final String DIR = FakeBench.DEFAULT_BENCH_DIR;
  static final String SITE = "a.example.test";

  final FakeBench bench = new FakeBench().rootCredentials("root", "rootpw");
  final FakeCommandRunner runner = bench.attachTo(new FakeCommandRunner());

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
    FakeBench.SiteView site = bench.site(SITE).orElseThrow();
    assertThat(site.apps()).containsExactly("frappe", "erpnext");
    assertThat(site.users()).doesNotContainKey("test@a.example");
    assertThat(site.users().get("Administrator").password()).isEqualTo("newadmin");
    assertThat(local("--site", SITE, "--force", "restore", "./nope.sql.gz", "--mariadb-root-password", "rootpw")
        .stderr()).contains("Invalid path");
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
    CommandResult ok = runner.run(Command.builder("docker", "exec", "-i", "-w", DIR, FakeBench.DEFAULT_CONTAINER,
        "bench", "new-site", SITE, "--mariadb-root-password", "rootpw", "--admin-password", "a").build());
    assertThat(ok.exitCode()).isZero();
    assertThat(runner.run(Command.builder("docker", "exec", "-i", "-w", DIR, "other", "bench", "list-apps").build())
        .stderr()).contains("No such container: other");
    assertThat(runner.run(Command.builder("docker", "exec", "-i", FakeBench.DEFAULT_CONTAINER, "bench", "--site",
        SITE, "list-apps").build()).stderr()).contains("No such command 'list-apps'");
    assertThat(bench.received().get(0).transport()).isEqualTo(FakeBench.Transport.DOCKER);
    assertThat(bench.received().get(0).benchArgv()).startsWith("new-site", SITE);
  }

  @Test
  void sshCommandStringsAreParsedByAPosixShellAndSecretsComeFromStdin() {
    String remote = "IFS= read -r tw_secret_1 && IFS= read -r tw_secret_2 && cd '" + DIR + "' && exec 'bench' "
        + "'new-site' '" + SITE + "' '--mariadb-root-password' \"$tw_secret_1\" '--admin-password' \"$tw_secret_2\"";
    CommandResult r = runner.run(Command.builder("ssh", "-T", "-o", "BatchMode=yes", "-p", "22",
        FakeBench.DEFAULT_SSH_DESTINATION, "--", remote).stdin(Secret.of("rootpw\n it's $(x) \n")).build());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(bench.site(SITE).orElseThrow().users().get("Administrator").password()).isEqualTo(" it's $(x) ");
    FakeBench.Invocation inv = bench.received().get(0);
    assertThat(inv.transport()).isEqualTo(FakeBench.Transport.SSH);
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
      CommandResult r = runner.run(Command.builder("ssh", FakeBench.DEFAULT_SSH_DESTINATION, "--", remote).build());
      assertThat(r.exitCode()).as(remote).isEqualTo(2);
      assertThat(r.stderr()).as(remote).containsAnyOf("refuses", "Unterminated");
    }
    assertThat(bench.history()).as("bench never ran").isEmpty();
    assertThat(runner.run(Command.builder("ssh", "root@elsewhere.example", "--", "true").build()).exitCode())
        .isEqualTo(255);
    CommandResult notFound = runner.run(Command.builder("ssh", FakeBench.DEFAULT_SSH_DESTINATION, "--",
        "cd '" + DIR + "' && 'rm' '-rf' '/'").build());
    assertThat(notFound.exitCode()).isEqualTo(127);
  }

  @Test
  void sshJoinsSeveralCommandArgumentsWithSpacesLikeRealSsh() {
    newSite(SITE);
    CommandResult r = runner.run(Command.builder("ssh", FakeBench.DEFAULT_SSH_DESTINATION, "cd", DIR, "&&", "bench",
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
}
