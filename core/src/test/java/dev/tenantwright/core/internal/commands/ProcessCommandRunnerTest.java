package dev.tenantwright.core.internal.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {

  private final ProcessCommandRunner runner = new ProcessCommandRunner();

  @TempDir
  Path tmp;

  @Test
  void passesHostileArgumentsVerbatimWithoutAShell() {
    Path marker = tmp.resolve("pwned");
    List<String> hostile = List.of(
        "two words", "'single'", "\"double\"", "$(touch " + marker + ")", "`touch " + marker + "`",
        "line1\nline2", "*", "; rm -rf /", "$HOME", "back\\slash", "");

    CommandResult result = runner.run(Command.builder("printf", "<%s>\\n").args(hostile).build());

    StringBuilder expected = new StringBuilder();
    hostile.forEach(a -> expected.append('<').append(a).append(">\n"));
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).isEqualTo(expected.toString());
    assertThat(marker).doesNotExist();
  }

  @Test
  void writesStdinAndThenClosesIt() {
    CommandResult result = runner.run(Command.builder("cat").stdin("first line\nsecond $(line)\n").build());

    assertThat(result.stdout()).isEqualTo("first line\nsecond $(line)\n");
  }

  @Test
  void closesStdinAtOnceWhenThereIsNone() {
    CommandResult result = runner.run(Command.builder("cat").timeout(Duration.ofSeconds(20)).build());

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void feedsLargeStdinWhileDrainingLargeOutputWithoutDeadlock() {
    String big = "x".repeat(3 * 1024 * 1024) + "END\n";

    CommandResult result = runner.run(Command.builder("cat").stdin(big).timeout(Duration.ofSeconds(60)).build());

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).hasSize(ProcessCommandRunner.DEFAULT_MAX_CAPTURED_BYTES).endsWith("xEND\n");
  }

  @Test
  void keepsTheTailOfOutputBeyondTheCap() {
    ProcessCommandRunner small = new ProcessCommandRunner(64, Duration.ofSeconds(1));

    CommandResult result = small.run(Command.builder("seq", "1", "100000").build());

    assertThat(result.stdout()).hasSizeLessThanOrEqualTo(64).endsWith("99999\n100000\n");
  }

  @Test
  void addsTheCommandsEnvironmentVariablesToTheAllowListedHostOnes() {
    CommandResult result = runner.run(Command.builder("env").env("TW_GREETING", "hello world $(id)").build());

    assertThat(result.stdout()).contains("TW_GREETING=hello world $(id)\n");
    assertThat(result.stdout()).contains("PATH=");
  }

  @Test
  void sec3_aChildProcessSeesOnlyAllowListedHostVariablesAndItsOwn() {
    CommandResult result = runner.run(Command.builder("env").env("TW_OWN", "mine").build());

    List<String> names = result.stdout().lines().filter(l -> l.contains("=")).map(l -> l.substring(0, l.indexOf('=')))
        .toList();
    assertThat(names).contains("TW_OWN", "PATH");
    assertThat(names).allSatisfy(n -> assertThat(n.equals("TW_OWN") || ProcessCommandRunner.inherits(
        ProcessCommandRunner.DEFAULT_INHERITED, n)).as(n + " is neither allow-listed nor the command's own").isTrue());
  }

  @Test
  void sec3_aHostVariableNamedLikeASecretNeverReachesTheChild() {
    Map<String, String> host = Map.of("PATH", System.getenv("PATH"), "DB_PASSWORD", "the-host's-secret",
        "LC_ALL", "C", "CLOUDFLARE_API_TOKEN", "cf-token");
    ProcessCommandRunner withHost = new ProcessCommandRunner(1 << 20, Duration.ofSeconds(1),
        ProcessCommandRunner.DEFAULT_INHERITED, () -> host);

    CommandResult result = withHost.run(Command.builder("env").env("TW_OWN", "mine").build());

    assertThat(result.stdout()).contains("LC_ALL=C\n", "TW_OWN=mine\n", "PATH=")
        .doesNotContain("DB_PASSWORD").doesNotContain("CLOUDFLARE_API_TOKEN");
  }

  @Test
  void theCommandsOwnVariableWinsOverAnInheritedOneAndTheListCanBeChosen() {
    Map<String, String> host = Map.of("PATH", System.getenv("PATH"), "DOCKER_HOST", "unix:///host.sock",
        "EXTRA_TOOL_HOME", "/opt/tool");
    ProcessCommandRunner custom = new ProcessCommandRunner(1 << 20, Duration.ofSeconds(1),
        List.of("PATH", "DOCKER_HOST", "EXTRA_*"), () -> host);

    CommandResult result = custom.run(Command.builder("env").env("DOCKER_HOST", "ssh://deploy@web1").build());

    assertThat(result.stdout()).contains("DOCKER_HOST=ssh://deploy@web1\n", "EXTRA_TOOL_HOME=/opt/tool\n")
        .doesNotContain("unix:///host.sock");
    assertThatThrownBy(() -> new ProcessCommandRunner(1, Duration.ZERO, List.of("BAD NAME"), Map::of))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void runsInTheWorkingDirectory() throws IOException {
    CommandResult result = runner.run(Command.builder("pwd").workingDir(tmp).build());

    assertThat(result.stdout().strip()).isEqualTo(tmp.toRealPath().toString());
  }

  @Test
  void reportsANonZeroExitAsAResult() throws IOException {
    Path script = script("echo broken >&2\nexit 3\n");

    CommandResult result = runner.run(Command.builder("sh", script.toString()).build());

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr()).isEqualTo("broken\n");
    assertThatThrownBy(result::requireSuccess).hasMessageContaining("exited with code 3: broken");
  }

  @Test
  void redactsSecretsFromOutputAndTheRecordedCommand() throws IOException {
    Secret token = Secret.of("s3cr3t-t0ken-value");
    Path script = script("echo \"arg=$1\"\necho \"env=$TOKEN\" >&2\nread line\necho \"stdin=$line\"\n");

    CommandResult result = runner.run(Command.builder("sh", script.toString())
        .secretArg(token).env("TOKEN", token).stdin(token).build());

    assertThat(result.stdout()).isEqualTo("arg=******\nstdin=******\n");
    assertThat(result.stderr()).isEqualTo("env=******\n");
    assertThat(result.command()).containsExactly("sh", script.toString(), "******");
  }

  @Test
  void masksTheRemnantOfASecretCutByTheCaptureCap() {
    Secret token = Secret.of("ABCDEFGHIJ");
    ProcessCommandRunner small = new ProcessCommandRunner(6, Duration.ofSeconds(1));

    CommandResult result = small.run(Command.builder("printf", "%s%s%s", "0123456789").secretArg(token).arg("!!")
        .build());

    assertThat(result.stdout()).isEqualTo("******!!").doesNotContain("GHIJ");
  }

  @Test
  void killsTheWholeProcessTreeOnTimeout() throws IOException {
    Path pidFile = tmp.resolve("child.pid");
    Path script = script("sleep 300 &\necho $! > " + pidFile + "\nwait\n");
    Command command = Command.builder("sh", script.toString()).timeout(Duration.ofSeconds(1)).build();

    assertThatThrownBy(() -> runner.run(command))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.outcomeUnknown()).isTrue())
        .hasMessageContaining("'sh " + script + "'")
        .hasMessageContaining("timed out after 1s");

    long child = Long.parseLong(Files.readString(pidFile).strip());
    await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessHandle.of(child).map(ProcessHandle::isAlive)
        .orElse(false));
  }

  @Test
  void namesTheRedactedCommandWhenItTimesOut() throws IOException {
    Path script = script("echo \"using $1\" >&2\nexec sleep 30\n");
    Command command = Command.builder("sh", script.toString()).secretArg(Secret.of("hunter2hunter2"))
        .timeout(Duration.ofMillis(500)).build();

    assertThatThrownBy(() -> runner.run(command))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("'sh " + script + " ******' timed out after 500ms")
        .hasMessageEndingWith(": using ******")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void refusesAShellGivenACommandString() {
    for (Command c : List.of(
        Command.builder("sh", "-c", "echo hi").build(),
        Command.builder("/bin/bash", "-ec", "echo hi").build(),
        Command.builder("bash", "--norc", "-c", "echo hi").build(),
        Command.builder("/usr/bin/env", "FOO=1", "zsh", "-c", "echo hi").build())) {
      assertThatThrownBy(() -> runner.run(c))
          .isInstanceOf(PermanentException.class)
          .hasMessageContaining("refusing to run");
    }
  }

  @Test
  void runsAStdinArgumentsScriptSoASecretReachesTheProgramWithoutBeingInAnyArgvItStarts() {
    Secret secret = Secret.of("it's $(id) `x` \"q\" ;|&");
    Command c = Command.builder("sh", "-c",
        "IFS= read -r tw_secret_1 && exec 'printf' '%s|%s' 'it'\\''s' \"$tw_secret_1\"")
        .stdin(Secret.of(secret.reveal() + "\n")).build();

    CommandResult result = runner.run(c);

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(c.argv()).noneMatch(a -> a.contains(secret.reveal()));
    assertThat(result.stdout()).isEqualTo("it's|" + secret.reveal());
  }

  @Test
  void refusesAShellCommandStringInsideDockerExecAndFlockWithACommandString() {
    for (Command c : List.of(
        Command.builder("docker", "exec", "-i", "-w", "/x", "container", "sh", "-c", "id").build(),
        Command.builder("flock", "/tmp/tw.lock", "-c", "id").build(),
        Command.builder("sh", "-c", "IFS= read -r a && exec 'printf' \"$a\"; id").build())) {
      assertThatThrownBy(() -> runner.run(c))
          .isInstanceOf(PermanentException.class)
          .hasMessageContaining("refusing to run");
    }
  }

  @Test
  void allowsAShellRunningAScriptFile() throws IOException {
    Path script = script("echo from-script\n");

    assertThat(runner.run(Command.builder("sh", script.toString()).build()).stdout()).isEqualTo("from-script\n");
  }

  @Test
  void failsPermanentlyWhenTheProgramDoesNotExist() {
    assertThatThrownBy(() -> runner.run(Command.builder("tw-no-such-program-7f3a", "x").build()))
        .isInstanceOf(PermanentException.class)
        .hasMessageStartingWith("cannot start 'tw-no-such-program-7f3a'");
  }

  @Test
  void failsPermanentlyWhenTheWorkingDirectoryDoesNotExist() {
    assertThatThrownBy(() -> runner.run(Command.builder("pwd").workingDir(tmp.resolve("missing")).build()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("cannot start 'pwd'")
        .hasMessageContaining("does not exist");
  }

  @Test
  void measuresHowLongTheProcessRan() {
    CommandResult result = runner.run(Command.builder("true").build());

    assertThat(result.duration()).isPositive();
    assertThat(Optional.of(result.exitCode())).contains(0);
  }

  @Test
  void writesDurationsAsPeopleDo() {
    assertThat(ProcessCommandRunner.format(Duration.ofMillis(300))).isEqualTo("300ms");
    assertThat(ProcessCommandRunner.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(ProcessCommandRunner.format(Duration.ofMinutes(120))).isEqualTo("2h");
    assertThat(ProcessCommandRunner.format(Duration.ofMillis(1500))).isEqualTo("1.500s");
  }

  private Path script(String body) throws IOException {
    Path file = Files.createTempFile(tmp, "script", ".sh");
    Files.writeString(file, body);
    return file;
  }
}
