package dev.tenantwright.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Commands as the SPI builds them. */
class CommandTest {

  @Test
  void aCommandRebuiltFromItsBuilderKeepsEverythingAndItsSecretsStaySecret() {
    Secret token = Secret.of("s3cr3t-token");
    Secret password = Secret.of("hunter2-password");
    Command original = Command.builder("tool", "login")
        .secretArg(token)
        .env("PLAIN", "visible")
        .env("PASSWORD", password)
        .stdin("input")
        .workingDir(Path.of("/tmp"))
        .timeout(Duration.ofSeconds(42))
        .build();

    Command derived = original.toBuilder().env("EXTRA", "added").build();

    assertThat(derived.argv()).isEqualTo(original.argv());
    assertThat(derived.redactedArgv()).containsExactly("tool", "login", Secret.MASK);
    assertThat(derived.environment()).containsEntry("PLAIN", "visible").containsEntry("PASSWORD", "hunter2-password")
        .containsEntry("EXTRA", "added");
    assertThat(derived.redactedEnvironment()).containsEntry("PASSWORD", Secret.MASK);
    assertThat(derived.stdin()).isEqualTo("input");
    assertThat(derived.workingDir()).isEqualTo(Path.of("/tmp"));
    assertThat(derived.timeout()).isEqualTo(Duration.ofSeconds(42));
    assertThat(derived.secrets()).containsExactly(token, password);
    assertThat(original.environment()).doesNotContainKey("EXTRA");
  }
}
