package dev.tenantwright.plugin.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.core.testing.TestSupport;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link HostileInputCases} against the real {@code docker compose config --format json} (no daemon needed),
 * run in the {@code it} profile where CI has installed Compose; skipped where {@code docker compose} is
 * missing. The host variables the cases plant are passed on like the command's own, as if the runner's
 * allow-list let them through, to show that even then the secret names and quoting keep them out.
 */
class ComposeHostileInputIT extends HostileInputCases {

  static final CommandRunner RUNNER = TestSupport.processRunner();

  @BeforeAll
  static void composeIsInstalled() {
    CommandResult v;
    try {
      v = RUNNER.run(Command.builder("docker", "compose", "version", "--short").timeout(Duration.ofSeconds(30)).build());
    } catch (RuntimeException e) {
      v = null;
    }
    Assumptions.assumeTrue(v != null && v.exitCode() == 0, "docker compose is not installed");
  }

  @Override
  JsonNode config(Path folder, Map<String, String> processEnvironment) {
    Command.Builder b = Command.builder("docker", "compose", "-p", PROJECT, "-f", folder.resolve("compose.yaml").toString(),
        "--project-directory", folder.toString(), "config", "--format", "json").timeout(Duration.ofSeconds(60));
    processEnvironment.forEach(b::env);
    CommandResult r = RUNNER.run(b.build());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    try {
      return SupportJson.mapper().readTree(r.stdout());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
