package dev.tenantwright.plugin.vercel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the specs refuse before any call, so tenant-typed text never reaches a path it should not. */
class VercelSpecTest {

  static final List<DeploymentSpec.InlineFile> FILES = List.of(new DeploymentSpec.InlineFile("index.html", "x", null));

  @ParameterizedTest
  @ValueSource(strings = {"..", ".", "../../v2/user", "prj_x/../../v2/user", "acme site", "prj_a?teamId=x"})
  void sec14_aProjectFieldThatIsNeitherAProjectIdNorANameIsRefused(String project) {
    assertThatThrownBy(() -> new DeploymentSpec(project, "production", FILES, null, null))
        .isInstanceOf(PermanentException.class).hasMessageStartingWith("field 'project'");
    assertThatThrownBy(() -> new EnvSpec(project, Map.of("A", Secret.of("b")), null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageStartingWith("field 'project'");
    assertThatThrownBy(() -> new DomainSpec(project, "shop.acme.example", null, null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageStartingWith("field 'project'");
  }

  @Test
  void sec14_aProjectIdOrNameIsAccepted() {
    assertThat(new DeploymentSpec("prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB", null, FILES, null, null).project())
        .isEqualTo("prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB");
    assertThat(new EnvSpec("acme-live-site", Map.of("A", Secret.of("b")), null, null, null).project())
        .isEqualTo("acme-live-site");
  }
}
