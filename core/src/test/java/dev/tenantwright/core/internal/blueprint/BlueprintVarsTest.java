package dev.tenantwright.core.internal.blueprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.BlueprintException.Problem;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlueprintVarsTest {

  private final Blueprint website = Blueprint.builder("website")
      .var("image", "local/busybox:1")
      .var("domain", null)
      .resource("web", "compose.project", r -> r.param("image", "${vars.image}").param("domain", "${vars.domain}"))
      .build();

  @Test
  void suppliedValuesOverrideDefaultsAndDefaultsFillTheRest() {
    Map<String, Object> vars = BlueprintVars.bind(website, Map.of("domain", "abc.example"));

    assertThat(vars).containsExactly(Map.entry("image", "local/busybox:1"), Map.entry("domain", "abc.example"));
  }

  @Test
  void aRequiredVarWithoutAValueAndAnUndeclaredVarAreBothReported() {
    Throwable t = catchThrowable(() -> BlueprintVars.bind(website, Map.of("domian", "abc.example")));

    assertThat(t).isInstanceOf(BlueprintException.class);
    assertThat(((BlueprintException) t).problems()).extracting(Problem::field, Problem::message).containsExactly(
        tuple("vars.domian", "not declared by the blueprint (declared: image, domain)"),
        tuple("vars.domain", "required var has no value; supply it when provisioning"));
  }

  @Test
  void aSuppliedValueIsTakenLiterallyEvenWithDollarBraces() {
    Map<String, Object> vars = BlueprintVars.bind(website, Map.of("domain", "${secrets.db-password}"));

    assertThat(vars).containsEntry("domain", "${secrets.db-password}");
  }
}
