package dev.tenantwright.plugin.frappe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.plugin.frappe.FrappeConfig;
import dev.tenantwright.plugin.frappe.TestConfigs;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportTest {

  static final Secret ADMIN = Secret.of("adm'in $(id) `x` pa ss");
  static final String HOSTILE_VALUE = "v'; rm -rf / #$(id)\nnext";

  static BenchCommand setConfig() {
    return BenchCommand.builder("set-config").site("a.example").args("set-config", "k", HOSTILE_VALUE).build();
  }

  static BenchCommand withSecrets() {
    return BenchCommand.builder("new-site").args("new-site", "a.example", "--mariadb-root-password")
        .secret("the database root password", Secret.of(TestConfigs.ROOT_PASSWORD))
        .arg("--admin-password").secret("the Administrator password", ADMIN).build();
  }

  @Test
  void localRunsBenchInTheBenchDirectoryWithSecretsAsSingleMaskedArguments() {
    FrappeConfig cfg = TestConfigs.record(TestConfigs.local());
    Command c = Transport.of(cfg).command(withSecrets(), Duration.ofMinutes(1));
    assertThat(c.argv()).containsExactly("bench", "new-site", "a.example", "--mariadb-root-password",
        TestConfigs.ROOT_PASSWORD, "--admin-password", ADMIN.reveal());
    assertThat(c.redactedArgv()).containsExactly("bench", "new-site", "a.example", "--mariadb-root-password",
        Secret.MASK, "--admin-password", Secret.MASK);
    assertThat(c.workingDir()).isEqualTo(Path.of("/home/frappe/frappe-bench"));
    assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.toString()).doesNotContain(ADMIN.reveal()).doesNotContain(TestConfigs.ROOT_PASSWORD);
  }

  @Test
  void dockerExecsBenchInTheContainerWithTheBenchDirectoryAsWorkdir() {
    FrappeConfig cfg = TestConfigs.record(TestConfigs.docker());
    Command c = Transport.of(cfg).command(setConfig(), Duration.ofMinutes(1));
    assertThat(c.argv()).containsExactly("docker", "exec", "-i", "-w", "/home/frappe/frappe-bench", "frappe-backend",
        "bench", "--site", "a.example", "set-config", "k", HOSTILE_VALUE);
    Command secret = Transport.of(cfg).command(withSecrets(), Duration.ofMinutes(1));
    assertThat(secret.redactedArgv()).containsSubsequence("--admin-password", Secret.MASK)
        .doesNotContain(ADMIN.reveal());
  }

  @Test
  void sshSendsOneQuotedCommandStringThatSplitsBackIntoTheArgv() {
    FrappeConfig cfg = TestConfigs.record(TestConfigs.ssh());
    Command c = Transport.of(cfg).command(setConfig(), Duration.ofMinutes(1));
    List<String> argv = c.argv();
    assertThat(argv.subList(0, argv.size() - 1)).containsExactly("ssh", "-T", "-o", "BatchMode=yes", "-o",
        "StrictHostKeyChecking=yes", "-p", "2222", "-i", "/etc/tenantwright/bench_key", "frappe@bench.example.test",
        "--");
    String remote = argv.get(argv.size() - 1);
    String[] parts = remote.split(" && ");
    assertThat(parts).hasSize(2);
    assertThat(PosixWords.split(parts[0])).containsExactly("cd", "/home/frappe/frappe-bench");
    assertThat(PosixWords.split(parts[1])).containsExactly("exec", "bench", "--site", "a.example", "set-config", "k",
        HOSTILE_VALUE);
    assertThat(c.stdin()).isNull();
  }

  @Test
  void sshSendsSecretsOnStdinAndNeverInTheCommandString() {
    FrappeConfig cfg = TestConfigs.record(TestConfigs.ssh());
    Command c = Transport.of(cfg).command(withSecrets(), Duration.ofMinutes(1));
    String remote = c.argv().get(c.argv().size() - 1);
    assertThat(remote).doesNotContain(ADMIN.reveal()).doesNotContain(TestConfigs.ROOT_PASSWORD)
        .startsWith("IFS= read -r tw_secret_1 && IFS= read -r tw_secret_2 && cd '/home/frappe/frappe-bench' && exec ")
        .endsWith("'--mariadb-root-password' \"$tw_secret_1\" '--admin-password' \"$tw_secret_2\"");
    assertThat(c.stdinIsSecret()).isTrue();
    assertThat(c.stdin()).isEqualTo(TestConfigs.ROOT_PASSWORD + "\n" + ADMIN.reveal() + "\n");
    List<String> all = new ArrayList<>(c.redactedArgv());
    assertThat(String.join(" ", all)).doesNotContain(ADMIN.reveal());
  }

  @Test
  void sshRefusesASecretWithALineBreakNamingItButNotItsValue() {
    FrappeConfig cfg = TestConfigs.record(TestConfigs.ssh());
    BenchCommand cmd = BenchCommand.builder("set-admin-password").site("a.example").arg("set-admin-password")
        .secret("the Administrator password", Secret.of("two\nlines")).build();
    assertThatThrownBy(() -> Transport.of(cfg).command(cmd, Duration.ofMinutes(1)))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("the Administrator password contains a line break")
        .hasMessageNotContaining("two");
  }
}
