package dev.tenantwright.plugin.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.compose.DockerComposeFake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** {@link HostileInputCases} against {@link DockerComposeFake}, which reads {@code .env} and interpolates as compose-go does. */
class ComposeHostileInputTest extends HostileInputCases {

  @Override
  JsonNode config(Path folder, Map<String, String> processEnvironment) {
    DockerComposeFake compose = new DockerComposeFake().processEnvironment(processEnvironment);
    CommandResult r = new CommandRunnerFake().on(compose).run(Command.builder("docker", "compose", "-p", PROJECT, "-f",
        folder.resolve("compose.yaml").toString(), "--project-directory", folder.toString(), "config", "--format",
        "json").build());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    try {
      return SupportJson.mapper().readTree(r.stdout());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
