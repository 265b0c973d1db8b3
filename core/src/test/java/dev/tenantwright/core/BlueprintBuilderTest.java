package dev.tenantwright.core;

import static dev.tenantwright.spi.EnvironmentKind.DEMO;
import static dev.tenantwright.spi.EnvironmentKind.LIVE;
import static dev.tenantwright.spi.EnvironmentKind.TEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import dev.tenantwright.core.BlueprintException.Problem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlueprintBuilderTest {

  static BlueprintException failure(ThrowingCallable call) {
    Throwable t = catchThrowable(call);
    assertThat(t).isInstanceOf(BlueprintException.class);
    return (BlueprintException) t;
  }

  static Problem onlyProblem(ThrowingCallable call) {
    List<Problem> problems = failure(call).problems();
    assertThat(problems).hasSize(1);
    return problems.get(0);
  }

  @Test
  void listsResourcesInDeclarationOrderAndPerEnvironmentKind() {
    Blueprint bp = Blueprint.builder("erp")
        .resource("sample-data", "host.load-sample-data", r -> r.kinds(DEMO))
        .resource("site", "frappe.site")
        .resource("backup", "frappe.backup", r -> r.kinds(LIVE))
        .build();

    assertThat(bp.resources()).extracting(ResourceDefinition::name).containsExactly("sample-data", "site", "backup");
    assertThat(bp.resourcesFor(DEMO)).extracting(ResourceDefinition::name).containsExactly("sample-data", "site");
    assertThat(bp.resourcesFor(TEST)).extracting(ResourceDefinition::name).containsExactly("site");
    assertThat(bp.resourcesFor(LIVE)).extracting(ResourceDefinition::name).containsExactly("site", "backup");
    assertThat(bp.resource("site")).isPresent();
    assertThat(bp.resource("nope")).isEmpty();
  }

  @Test
  void refusesANeedOnAResourceThatIsNotDeclared() {
    Problem p = onlyProblem(() -> Blueprint.builder("x")
        .resource("web", "t", r -> r.needs("db"))
        .build());

    assertThat(p).isEqualTo(new Problem("builder:x", "web", "needs",
        "needs 'db', which this blueprint does not declare"));
  }

  @Test
  void refusesAnOutputReferenceToSomethingThatIsNeitherANamespaceNorAResource() {
    Problem p = onlyProblem(() -> Blueprint.builder("x")
        .resource("web", "t", r -> r.param("labels", Map.of("url", "https://${site.host}/")))
        .build());

    assertThat(p.field()).isEqualTo("params.labels.url");
    assertThat(p.message()).isEqualTo("${site.host} refers to 'site', which is neither a namespace "
        + "(tenant, env, vars, secrets) nor a resource of this blueprint");
  }

  @Test
  void refusesAReferenceToAnUndeclaredVarAndListsTheDeclaredOnes() {
    Problem p = onlyProblem(() -> Blueprint.builder("x")
        .var("image", "busybox")
        .resource("web", "t", r -> r.param("ports", List.of("80", "${vars.port}")))
        .build());

    assertThat(p.field()).isEqualTo("params.ports[1]");
    assertThat(p.message()).contains("var 'port'").contains("declared: image");
  }

  @Test
  void refusesResourcesThatDependOnThemselves() {
    BlueprintException e = failure(() -> Blueprint.builder("x")
        .resource("a", "t", r -> r.needs("a"))
        .resource("b", "t", r -> r.param("url", "${b.url}"))
        .build());

    assertThat(e.problems()).extracting(Problem::resource, Problem::field, Problem::message).containsExactly(
        tuple("a", "needs", "a resource cannot need itself"),
        tuple("b", "params.url", "${b.url} refers to this resource's own output"));
  }

  @Test
  void refusesAResourceThatDependsOnOneLeftOutOfOneOfItsKinds() {
    BlueprintException e = failure(() -> Blueprint.builder("x")
        .resource("sample-data", "t", r -> r.kinds(DEMO, TEST))
        .resource("web", "t", r -> r.needs("sample-data"))
        .resource("report", "t", r -> r.kinds(DEMO).param("rows", "${sample-data.rows}"))
        .build());

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.resource()).isEqualTo("web");
      assertThat(p.field()).isEqualTo("needs");
      assertThat(p.message()).startsWith("needs 'sample-data', which is not provisioned in live (it is only in "
          + "demo, test)");
    });
  }

  @Test
  void aSecretResourceReferenceIsADependencyButAHostSecretIsNot() {
    BlueprintException e = failure(() -> Blueprint.builder("x")
        .resource("demo-password", "secret", r -> r.kinds(DEMO))
        .resource("web", "t", r -> r
            .param("password", "${secrets.demo-password}")
            .param("smtp", "${secrets.SMTP_PASSWORD}"))
        .build());

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("params.password");
      assertThat(p.message()).contains("secret resource 'demo-password'").contains("not provisioned in test, live");
    });
  }

  @Test
  void reportsADependencyCycleWithItsPath() {
    Problem p = onlyProblem(() -> Blueprint.builder("x")
        .resource("a", "t", r -> r.needs("b"))
        .resource("b", "t", r -> r.param("token", "${c.token}"))
        .resource("c", "t", r -> r.needs("a"))
        .resource("d", "t", r -> r.needs("a"))
        .build());

    assertThat(p).isEqualTo(new Problem("builder:x", "a", "needs", "dependency cycle: a -> b -> c -> a"));
  }

  @Test
  void refusesDuplicateResourcesAndVars() {
    BlueprintException e = failure(() -> Blueprint.builder("x")
        .var("image", "a")
        .var("image", "b")
        .resource("web", "t")
        .resource("web", "u")
        .build());

    assertThat(e.problems()).extracting(Problem::resource, Problem::field, Problem::message).containsExactly(
        tuple(null, "vars.image", "declared more than once"),
        tuple("web", "name", "declared more than once"));
  }

  @Test
  void namesEveryBadFieldOfAResource() {
    BlueprintException e = failure(() -> Blueprint.builder("x")
        .resource("web", " ", r -> r
            .attempts(0)
            .timeout(Duration.ofSeconds(-1))
            .kinds()
            .param("when", Duration.ofMinutes(1))
            .param("template", "${tenant.company}"))
        .build());

    assertThat(e.problems()).extracting(Problem::field).containsExactly(
        "type", "params.when", "params.template", "kinds", "timeout", "attempts");
    assertThat(e.getMessage())
        .contains("field 'params.when': unsupported value of type Duration")
        .contains("unknown tenant field 'company' (known: id, name, email, plan, attributes.KEY)")
        .contains("field 'attempts': must be between 1 and 100, was 0");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "${vars.image|unclosed expression",
      "${}|empty expression",
      "${image}|needs a namespace and a name",
      "${env.region}|unknown env field 'region'",
      "${Site.url}|'Site' is neither a namespace",
      "${site.url-path}|is not a valid output field name"})
  void namesTheParameterWithAMalformedExpression(String template, String message) {
    Problem p = onlyProblem(() -> Blueprint.builder("x").resource("web", "t", r -> r.param("x", template)).build());

    assertThat(p.resource()).isEqualTo("web");
    assertThat(p.field()).isEqualTo("params.x");
    assertThat(p.message()).contains(message);
  }

  @Test
  void refusesAnInvalidBlueprintNameAndAnEmptyBlueprint() {
    assertThat(onlyProblem(() -> Blueprint.builder("Website").resource("a", "t").build()).field())
        .isEqualTo("blueprint");
    assertThat(onlyProblem(() -> Blueprint.builder("website").build()))
        .isEqualTo(new Problem("builder:website", null, "resources", "the blueprint declares no resources"));
  }

  @Test
  void acceptsADefinitionBuiltOnItsOwn() {
    ResourceDefinition web = ResourceDefinition.builder("web", "compose.project")
        .param("image", "${vars.image}")
        .build();

    Blueprint bp = Blueprint.builder("site").var("image", "busybox").resource(web).build();

    assertThat(bp.resource("web")).contains(web);
  }

  @Test
  void aDefinitionRefusesABadNameOnItsOwn() {
    Throwable t = catchThrowable(() -> ResourceDefinition.builder("9lives", "t").build());

    assertThat(t).isInstanceOf(BlueprintException.class)
        .hasMessageStartingWith("resource '9lives', field 'name': '9lives' is not a valid resource name");
  }

  @Test
  void acceptsEscapedDollarBracesAndKeepsParamsAsWritten() {
    Blueprint bp = Blueprint.builder("x")
        .resource("web", "t", r -> r.param("script", "echo $${HOME} ${tenant.attributes.industry}"))
        .build();

    assertThat(bp.resource("web").orElseThrow().params()).containsEntry("script",
        "echo $${HOME} ${tenant.attributes.industry}");
  }
}
