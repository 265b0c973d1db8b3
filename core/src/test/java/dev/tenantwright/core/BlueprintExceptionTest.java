package dev.tenantwright.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.BlueprintException.Problem;
import dev.tenantwright.spi.TenantwrightException;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlueprintExceptionTest {

  @Test
  void aSingleProblemIsTheWholeMessage() {
    BlueprintException e = new BlueprintException(
        List.of(new Problem("website.yaml", "web", "params.image", "required field missing")));

    assertThat(e).isInstanceOf(TenantwrightException.class);
    assertThat(e.getMessage())
        .isEqualTo("blueprint 'website.yaml', resource 'web', field 'params.image': required field missing");
  }

  @Test
  void severalProblemsAreListedOnePerLine() {
    BlueprintException e = new BlueprintException(List.of(
        new Problem("website.yaml", "web", "type", "unknown type 'compose.projet'"),
        new Problem("website.yaml", null, "vars.domain", "required var has no value"),
        new Problem("website.yaml", null, null, "the blueprint is empty")));

    assertThat(e.getMessage()).isEqualTo("""
        3 problems in blueprint 'website.yaml':
          blueprint 'website.yaml', resource 'web', field 'type': unknown type 'compose.projet'
          blueprint 'website.yaml', field 'vars.domain': required var has no value
          blueprint 'website.yaml': the blueprint is empty""");
    assertThat(e.problems()).hasSize(3);
  }

  @Test
  void aProblemWithoutSourceLeavesItOut() {
    assertThat(new Problem(null, "web", "name", "bad")).hasToString("resource 'web', field 'name': bad");
    assertThat(new Problem(null, null, null, "bad")).hasToString("bad");
  }

  @Test
  void needsAtLeastOneProblem() {
    assertThatThrownBy(() -> new BlueprintException(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
