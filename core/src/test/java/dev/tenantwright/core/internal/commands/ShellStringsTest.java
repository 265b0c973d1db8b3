package dev.tenantwright.core.internal.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellStringsTest {

  static final String SCRIPT = "IFS= read -r tw_secret_1 && IFS= read -r tw_secret_2 && exec 'bench' 'new-site' "
      + "'it'\\''s $(id)' '--admin-password' \"$tw_secret_1\" '--root' \"$tw_secret_2\"";

  @Test
  void aStdinArgumentsScriptIsAllowedDirectlyAndInsideDockerExec() {
    assertThat(ShellStrings.refusal(List.of("sh", "-c", SCRIPT))).isNull();
    assertThat(ShellStrings.refusal(List.of("/bin/bash", "-c", "cd '/home/frappe/frappe-bench' && exec 'bench'")))
        .isNull();
    assertThat(ShellStrings.refusal(List.of("docker", "exec", "-i", "-w", "/home/frappe/frappe-bench",
        "frappe-backend", "sh", "-c", SCRIPT))).isNull();
    assertThat(ShellStrings.isStdinArgumentScript("exec 'a'\\'''")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "exec 'bench'; reboot",
      "exec 'bench' && reboot",
      "exec bench",
      "exec 'bench' $x",
      "exec 'bench' \"$undefined\"",
      "IFS= read -r a && exec 'bench' \"$a\" \"$(id)\"",
      "IFS= read -r a && exec 'bench' \"${a}\"",
      "IFS= read -r a; exec 'bench' \"$a\"",
      "read -r a && exec 'bench' \"$a\"",
      "cd /tmp && exec 'bench'",
      "exec 'bench' 'unterminated",
      "exec 'bench'  'two spaces'",
      "exec 'bench' ",
      "echo hi",
      "exec 'bench' 'a'b"})
  void anythingElseHandedToAShellIsRefused(String script) {
    assertThat(ShellStrings.isStdinArgumentScript(script)).as(script).isFalse();
    assertThat(ShellStrings.refusal(List.of("sh", "-c", script))).isEqualTo("sh -c");
    assertThat(ShellStrings.refusal(List.of("docker", "exec", "-i", "c", "bash", "-c", script))).isEqualTo("bash -c");
  }

  @Test
  void theAllowedScriptIsStillRefusedWithExtraArgumentsBehindWrappersOrInOtherShells() {
    assertThat(ShellStrings.refusal(List.of("sh", "-c", SCRIPT, "sh", "evil"))).isEqualTo("sh -c");
    assertThat(ShellStrings.refusal(List.of("sh", "-ec", SCRIPT))).isEqualTo("sh -ec");
    assertThat(ShellStrings.refusal(List.of("env", "sh", "-c", SCRIPT))).isEqualTo("sh -c");
    assertThat(ShellStrings.refusal(List.of("fish", "-c", SCRIPT))).isEqualTo("fish -c");
    assertThat(ShellStrings.refusal(List.of("docker", "exec", "c", "timeout", "10", "sh", "-c", "id")))
        .isEqualTo("sh -c");
  }

  @Test
  void flockRunningACommandStringIsRefusedButFlockRunningAProgramIsNot() {
    assertThat(ShellStrings.refusal(List.of("flock", "-w", "5", "/tmp/l", "-c", "reboot"))).isEqualTo("flock -c");
    assertThat(ShellStrings.refusal(List.of("flock", "--command", "reboot", "/tmp/l"))).isEqualTo("flock --command");
    assertThat(ShellStrings.refusal(List.of("flock", "-E", "75", "-w", "60", "sites/.x.lock", "timeout", "-k", "10s",
        "100s", "bench", "--site", "x", "set-config", "--", "k", "-c"))).isNull();
    assertThat(ShellStrings.refusal(List.of("docker", "exec", "c", "flock", "/tmp/l", "sh", "-c", "id")))
        .isEqualTo("sh -c");
  }

  @Test
  void programsThatAreNoShellAndShellsRunningScriptFilesAreAllowed() {
    assertThat(ShellStrings.refusal(List.of("git", "commit", "-m", "a && b; c"))).isNull();
    assertThat(ShellStrings.refusal(List.of("sh", "/opt/init.sh", "--verbose"))).isNull();
    assertThat(ShellStrings.refusal(List.of("docker", "exec", "-i", "-w", "/x", "c", "bench", "--site", "a"))).isNull();
    assertThat(ShellStrings.refusal(List.of("docker", "compose", "up", "-d"))).isNull();
  }
}
