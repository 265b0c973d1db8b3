package dev.tenantwright.plugin.frappe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.testing.TestSupport;
import dev.tenantwright.plugin.frappe.FrappeConfig;
import dev.tenantwright.plugin.frappe.TestConfigs;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportTest {

  static final Secret ADMIN = Secret.of("adm'in $(id) `x` pa ss");
  static final String HOSTILE_VALUE = "v'; rm -rf / #$(id)\nnext";
  static final List<String> GUARDS = List.of("flock", "-E", "75", "-w", "60", "sites/.tenantwright-a.example.lock",
      "timeout", "-k", "10s", "1720s");

  static BenchCommand setConfig() {
    return BenchCommand.builder("set-config").locked("a.example").site("a.example")
        .args("set-config", "--", "k", HOSTILE_VALUE).build();
  }

  static BenchCommand withSecrets() {
    return BenchCommand.builder("new-site").locked("a.example").args("new-site", "a.example", "--mariadb-root-password")
        .secret("the database root password", Secret.of(TestConfigs.ROOT_PASSWORD))
        .arg("--admin-password").secret("the Administrator password", ADMIN).build();
  }

  static Command command(Map<String, Object> config, BenchCommand bench) {
    return Transport.of(TestConfigs.record(config)).command(bench, Duration.ofMinutes(30));
  }

  @Test
  void localRunsTheGuardedBenchInTheBenchDirectoryWithoutAShellWhenThereAreNoSecrets() {
    Command c = command(TestConfigs.local(), setConfig());
    assertThat(c.argv().subList(0, GUARDS.size())).isEqualTo(GUARDS);
    assertThat(c.argv().subList(GUARDS.size(), c.argv().size())).containsExactly("bench", "--site", "a.example",
        "set-config", "--", "k", HOSTILE_VALUE);
    assertThat(c.workingDir()).isEqualTo(Path.of("/home/frappe/frappe-bench"));
    assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.stdin()).isNull();
  }

  @Test
  void localHandsSecretsToAStdinScriptTheCommandGuardAllows() {
    Command c = command(TestConfigs.local(), withSecrets());
    assertThat(c.argv()).hasSize(3).startsWith("sh", "-c").noneMatch(a -> a.contains(ADMIN.reveal())
        || a.contains(TestConfigs.ROOT_PASSWORD));
    assertThat(c.argv().get(2)).isEqualTo("IFS= read -r tw_secret_1 && IFS= read -r tw_secret_2 && exec 'flock' '-E' "
        + "'75' '-w' '60' 'sites/.tenantwright-a.example.lock' 'timeout' '-k' '10s' '1720s' 'bench' 'new-site' "
        + "'a.example' '--mariadb-root-password' \"$tw_secret_1\" '--admin-password' \"$tw_secret_2\"");
    assertThat(c.stdinIsSecret()).isTrue();
    assertThat(c.stdin()).isEqualTo(TestConfigs.ROOT_PASSWORD + "\n" + ADMIN.reveal() + "\n");
    assertThat(TestSupport.shellRefusal(c.argv())).isNull();
    assertThat(c.workingDir()).isEqualTo(Path.of("/home/frappe/frappe-bench"));
  }

  @Test
  void dockerExecsTheGuardedBenchInTheContainerAndSecretsThroughStdin() {
    Command c = command(TestConfigs.docker(), setConfig());
    assertThat(c.argv().subList(0, 6)).containsExactly("docker", "exec", "-i", "-w", "/home/frappe/frappe-bench",
        "frappe-backend");
    assertThat(c.argv().subList(6, 6 + GUARDS.size())).isEqualTo(GUARDS);
    assertThat(c.argv()).endsWith("bench", "--site", "a.example", "set-config", "--", "k", HOSTILE_VALUE);

    Command secret = command(TestConfigs.docker(), withSecrets());
    assertThat(secret.argv()).hasSize(9).noneMatch(a -> a.contains(ADMIN.reveal()));
    assertThat(secret.argv().subList(6, 8)).containsExactly("sh", "-c");
    assertThat(secret.stdin()).isEqualTo(TestConfigs.ROOT_PASSWORD + "\n" + ADMIN.reveal() + "\n");
    assertThat(TestSupport.shellRefusal(secret.argv())).isNull();
  }

  @Test
  void sshSendsOneQuotedCommandStringThatSplitsBackIntoTheArgv() {
    Command c = command(TestConfigs.ssh(), setConfig());
    List<String> argv = c.argv();
    assertThat(argv.subList(0, argv.size() - 1)).containsExactly("ssh", "-T", "-o", "BatchMode=yes", "-o",
        "StrictHostKeyChecking=yes", "-p", "2222", "-i", "/etc/tenantwright/bench_key", "frappe@bench.example.test",
        "--");
    String remote = argv.get(argv.size() - 1);
    String[] parts = remote.split(" && ");
    assertThat(parts).hasSize(2);
    assertThat(PosixWords.split(parts[0])).containsExactly("cd", "/home/frappe/frappe-bench");
    List<String> words = PosixWords.split(parts[1]);
    assertThat(words.get(0)).isEqualTo("exec");
    assertThat(words.subList(1, 1 + GUARDS.size())).isEqualTo(GUARDS);
    assertThat(words).endsWith("bench", "--site", "a.example", "set-config", "--", "k", HOSTILE_VALUE);
    assertThat(c.stdin()).isNull();
    assertThat(TestSupport.isStdinArgumentScript(remote)).isTrue();
  }

  @Test
  void sshSendsSecretsOnStdinAndNeverInTheCommandString() {
    Command c = command(TestConfigs.ssh(), withSecrets());
    String remote = c.argv().get(c.argv().size() - 1);
    assertThat(remote).doesNotContain(ADMIN.reveal()).doesNotContain(TestConfigs.ROOT_PASSWORD)
        .startsWith("IFS= read -r tw_secret_1 && IFS= read -r tw_secret_2 && cd '/home/frappe/frappe-bench' && exec ")
        .endsWith("'--mariadb-root-password' \"$tw_secret_1\" '--admin-password' \"$tw_secret_2\"");
    assertThat(c.stdinIsSecret()).isTrue();
    assertThat(c.stdin()).isEqualTo(TestConfigs.ROOT_PASSWORD + "\n" + ADMIN.reveal() + "\n");
    assertThat(String.join(" ", c.redactedArgv())).doesNotContain(ADMIN.reveal());
  }

  @Test
  void aReadHoldsNoLockAndWithoutGuardsBenchRunsBare() {
    BenchCommand read = BenchCommand.builder("show-config").site("a.example").args("show-config").build();
    assertThat(command(TestConfigs.local(), read).argv()).containsExactly("timeout", "-k", "10s", "1720s", "bench",
        "--site", "a.example", "show-config");
    Map<String, Object> bare = TestConfigs.local();
    bare.put("processGuards", false);
    assertThat(command(bare, setConfig()).argv()).containsExactly("bench", "--site", "a.example", "set-config", "--",
        "k", HOSTILE_VALUE);
  }

  @Test
  void theLimitsLeaveTheLockWaitAndTwoGracePeriodsWithinTheClientsTimeout() {
    HostProcess.Limits thirtyMinutes = HostProcess.Limits.of(Duration.ofMinutes(30));
    assertThat(thirtyMinutes).isEqualTo(new HostProcess.Limits(Duration.ofSeconds(60), Duration.ofSeconds(10),
        Duration.ofSeconds(1720)));
    HostProcess.Limits twoMinutes = HostProcess.Limits.of(Duration.ofMinutes(2));
    assertThat(twoMinutes.lockWait().plus(twoMinutes.limit()).plus(twoMinutes.grace().multipliedBy(2)))
        .isLessThanOrEqualTo(Duration.ofMinutes(2));
    assertThat(HostProcess.Limits.of(Duration.ofSeconds(1)).limit()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aSecretWithALineBreakIsRefusedNamingItButNotItsValueOverEveryTransport() {
    BenchCommand cmd = BenchCommand.builder("set-admin-password").site("a.example").arg("set-admin-password")
        .secret("the Administrator password", Secret.of("two\nlines")).build();
    for (Map<String, Object> t : List.of(TestConfigs.local(), TestConfigs.docker(), TestConfigs.ssh())) {
      FrappeConfig cfg = TestConfigs.record(t);
      assertThatThrownBy(() -> Transport.of(cfg).command(cmd, Duration.ofMinutes(1)))
          .isInstanceOf(PermanentException.class)
          .hasMessageContaining("the Administrator password contains a line break")
          .hasMessageNotContaining("two");
    }
  }
}
