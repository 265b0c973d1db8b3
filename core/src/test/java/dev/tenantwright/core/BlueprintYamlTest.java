package dev.tenantwright.core;

import static dev.tenantwright.spi.EnvironmentKind.DEMO;
import static dev.tenantwright.spi.EnvironmentKind.LIVE;
import static dev.tenantwright.spi.EnvironmentKind.TEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.tenantwright.core.BlueprintException.Problem;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlueprintYamlTest {

  static Path resource(String name) {
    try {
      return Path.of(BlueprintYamlTest.class.getResource("/blueprints/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static BlueprintException failure(ThrowingCallable call) {
    Throwable t = catchThrowable(call);
    assertThat(t).isInstanceOf(BlueprintException.class);
    return (BlueprintException) t;
  }

  static BlueprintException yamlFailure(String yaml) {
    return failure(() -> Blueprint.fromYaml("test.yaml", yaml));
  }

  @Test
  void readsEveryFieldOfTheWebsiteExample() {
    Blueprint bp = Blueprint.fromYaml(resource("website.yaml"));

    assertThat(bp.name()).isEqualTo("website");
    assertThat(bp.source()).isEqualTo("website.yaml");
    assertThat(bp.vars()).containsExactly(entry("image", "local/busybox:1"), entry("domain", null));
    assertThat(bp.resources()).extracting(ResourceDefinition::name).containsExactly("db-password", "port", "web");

    ResourceDefinition web = bp.resource("web").orElseThrow();
    assertThat(web.type()).isEqualTo("compose.project");
    assertThat(web.needs()).containsExactly("port");
    assertThat(web.kinds()).containsExactlyInAnyOrder(DEMO, TEST, LIVE);
    assertThat(web.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(web.maxAttempts()).isEqualTo(3);
    assertThat(web.dataBearing()).isTrue();
    assertThat(web.destructive()).isFalse();
    assertThat(web.params()).containsExactly(
        Map.entry("image", "${vars.image}"),
        Map.entry("password", "${secrets.db-password}"),
        Map.entry("url", "http://localhost:${port.port}/"),
        Map.entry("domain", "${vars.domain}"));
    assertThat(bp.resource("db-password").orElseThrow().params()).containsExactly(Map.entry("length", 32));
  }

  @Test
  void leavesOptionalResourceKeysAtTheirDefaults() {
    Blueprint bp = Blueprint.fromYaml(resource("website.yaml"));

    ResourceDefinition port = bp.resource("port").orElseThrow();
    assertThat(port.kinds()).containsExactlyInAnyOrder(DEMO, TEST, LIVE);
    assertThat(port.params()).isEmpty();
    assertThat(port.needs()).isEmpty();
    assertThat(port.timeout()).isNull();
    assertThat(port.maxAttempts()).isNull();
    assertThat(port.dataBearing()).as("null means: ask the type").isNull();
    assertThat(port.destructive()).isFalse();
  }

  @Test
  void yamlAndTheJavaBuilderDescribeTheSameBlueprint() {
    Blueprint fromYaml = Blueprint.fromYaml(resource("website.yaml"));

    Blueprint built = Blueprint.builder("website")
        .var("image", "local/busybox:1")
        .var("domain", null)
        .resource("db-password", "secret", r -> r.param("length", 32))
        .resource("port", "port")
        .resource("web", "compose.project", r -> r
            .needs("port")
            .kinds(DEMO, TEST, LIVE)
            .timeout(Duration.ofMinutes(5))
            .attempts(3)
            .dataBearing(true)
            .param("image", "${vars.image}")
            .param("password", "${secrets.db-password}")
            .param("url", "http://localhost:${port.port}/")
            .param("domain", "${vars.domain}"))
        .build();

    assertThat(built).isEqualTo(fromYaml).hasSameHashCodeAs(fromYaml);
    assertThat(built.source()).isEqualTo("builder:website");
  }

  @Test
  void numbersFromYamlEqualTheSameNumbersWrittenInJava() {
    Blueprint fromYaml = Blueprint.fromYaml("n.yaml", """
        blueprint: n
        resources:
          a:
            type: t
            params: {small: 7, big: 5000000000, ratio: 0.5, flag: true, none: null}
        """);
    Blueprint built = Blueprint.builder("n")
        .resource("a", "t", r -> r.param("small", 7L).param("big", 5_000_000_000L).param("ratio", 0.5f)
            .param("flag", true).param("none", null))
        .build();

    assertThat(fromYaml.resources()).isEqualTo(built.resources());
  }

  @ParameterizedTest
  @CsvSource({"30s, PT30S", "5m, PT5M", "1h, PT1H", "1h30m, PT1H30M", "500ms, PT0.5S", "2d, PT48H",
      "PT5M, PT5M", "pt10s, PT10S"})
  void acceptsDurationsWithAUnitOrInIso8601(String written, String expected) {
    Blueprint bp = Blueprint.fromYaml("d.yaml", "blueprint: d\nresources:\n  a:\n    type: t\n    timeout: "
        + written + "\n");

    assertThat(bp.resource("a").orElseThrow().timeout()).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"30|is not a duration", "5 minutes|is not a duration",
      "0s|must be positive", "1x|is not a duration"})
  void refusesDurationsWithoutAUsableUnitNamingTheTimeoutField(String written, String message) {
    BlueprintException e = yamlFailure("blueprint: d\nresources:\n  a:\n    type: t\n    timeout: " + written + "\n");

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.resource()).isEqualTo("a");
      assertThat(p.field()).isEqualTo("timeout");
      assertThat(p.message()).contains(message);
    });
  }

  @Test
  void acceptsASingleNameWhereAListOfNeedsOrKindsIsExpected() {
    Blueprint bp = Blueprint.fromYaml("s.yaml", """
        blueprint: s
        resources:
          a: {type: t, kinds: demo}
          b: {type: t, kinds: [DEMO], needs: a}
        """);

    assertThat(bp.resource("b").orElseThrow().needs()).containsExactly("a");
    assertThat(bp.resource("a").orElseThrow().kinds()).containsExactly(DEMO);
  }

  @Test
  void namesUnknownKeysAtTheTopAndInsideAResource() {
    BlueprintException e = yamlFailure("""
        blueprint: x
        description: not a key
        resources:
          web:
            type: t
            timout: 5m
        """);

    assertThat(e.problems()).extracting(Problem::resource, Problem::field).containsExactly(
        tuple(null, "description"), tuple("web", "timout"));
    assertThat(e.problems().get(1).message()).contains("unknown key").contains("timeout");
  }

  @Test
  void reportsEveryMistakeInAFileAtOnceWithFileResourceAndField() {
    BlueprintException e = failure(() -> Blueprint.fromYaml(resource("broken.yaml")));

    assertThat(e.problems()).extracting(Problem::source, Problem::resource, Problem::field).containsExactly(
        tuple("broken.yaml", "web", "timout"),
        tuple("broken.yaml", "web", "params.image"),
        tuple("broken.yaml", "dns", "needs"));
    assertThat(e.getMessage())
        .startsWith("3 problems in blueprint 'broken.yaml':")
        .contains("blueprint 'broken.yaml', resource 'web', field 'timout': unknown key")
        .contains("blueprint 'broken.yaml', resource 'web', field 'params.image': ${vars.image} refers to var "
            + "'image', which is not declared under vars")
        .contains("blueprint 'broken.yaml', resource 'dns', field 'needs': needs 'rout', which this blueprint does "
            + "not declare");
  }

  @Test
  void requiresTheBlueprintNameTheResourcesAndEachResourceType() {
    assertThat(yamlFailure("resources:\n  a: {type: t}\n").problems())
        .containsExactly(new Problem("test.yaml", null, "blueprint", "required field missing"));
    assertThat(yamlFailure("blueprint: x\n").problems())
        .containsExactly(new Problem("test.yaml", null, "resources", "required field missing"));
    assertThat(yamlFailure("blueprint: x\nresources:\n  a: {params: {x: 1}}\n").problems())
        .containsExactly(new Problem("test.yaml", "a", "type", "required field missing"));
  }

  @Test
  void refusesAnEmptyResourcesSection() {
    assertThat(yamlFailure("blueprint: x\nresources: {}\n").problems()).singleElement()
        .satisfies(p -> assertThat(p.field()).isEqualTo("resources"))
        .satisfies(p -> assertThat(p.message()).contains("declares no resources"));
  }

  @Test
  void namesTheFieldWhenAValueHasTheWrongShape() {
    BlueprintException e = yamlFailure("""
        blueprint: x
        vars: [a, b]
        resources:
          a:
            type: [t]
            attempts: three
            data-bearing: "yes"
            destructive: 1
            kinds: [demo, prod]
            needs: {b: c}
            params: [1, 2]
        """);

    assertThat(e.problems()).extracting(Problem::resource, Problem::field).containsExactlyInAnyOrder(
        tuple(null, "vars"),
        tuple("a", "type"),
        tuple("a", "attempts"),
        tuple("a", "data-bearing"),
        tuple("a", "destructive"),
        tuple("a", "kinds"),
        tuple("a", "needs"),
        tuple("a", "params"));
    assertThat(e.getMessage()).contains("unknown kind 'prod' (allowed: demo, test, live)");
  }

  @Test
  void namesAnInvalidResourceNameAndTheBlueprintName() {
    BlueprintException e = yamlFailure("blueprint: My Site\nresources:\n  Web_1: {type: t}\n  vars: {type: t}\n");

    assertThat(e.problems()).extracting(Problem::resource, Problem::field).containsExactlyInAnyOrder(
        tuple(null, "blueprint"), tuple("Web_1", "name"), tuple("vars", "name"));
    assertThat(e.getMessage()).contains("'vars' is reserved");
  }

  @Test
  void refusesDuplicateResourceNamesWithTheLine() {
    BlueprintException e = yamlFailure("blueprint: x\nresources:\n  a: {type: t}\n  a: {type: u}\n");

    assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.message())
        .contains("invalid YAML").contains("Duplicate field 'a'").contains("line 4"));
  }

  @Test
  void reportsMalformedYamlAndEmptyFiles() {
    assertThat(yamlFailure("blueprint: [x\n").getMessage()).isEqualTo("blueprint 'test.yaml': invalid YAML: while "
        + "parsing a flow sequence: expected ',' or ']', but got <stream end> (line 1, column 14)");
    assertThat(yamlFailure("").getMessage()).isEqualTo("blueprint 'test.yaml': the blueprint is empty");
    assertThat(yamlFailure("- a\n- b\n").getMessage()).contains("the top level must be a mapping");
  }

  @Test
  void refusesExpressionsInVarsBecauseVarsAreNotInterpolated() {
    BlueprintException e = yamlFailure("""
        blueprint: x
        vars:
          greeting: "Welcome ${tenant.name}"
        resources:
          a: {type: t}
        """);

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("vars.greeting");
      assertThat(p.message()).contains("${tenant.name} would not be interpolated");
    });
  }

  @Test
  void namesTheFileWhenItCannotBeRead(@TempDir Path dir) {
    BlueprintException e = failure(() -> Blueprint.fromYaml(dir.resolve("missing.yaml")));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.source()).isEqualTo("missing.yaml");
      assertThat(p.message()).startsWith("cannot read");
    });
  }

  @Test
  void readsAFileByPathAndNamesItByItsFileName(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("shop.yaml");
    Files.writeString(file, "blueprint: shop\nresources:\n  web:\n    type: t\n    params:\n      x: ${vars.y}\n");

    BlueprintException e = failure(() -> Blueprint.fromYaml(file));

    assertThat(e.getMessage()).startsWith("blueprint 'shop.yaml', resource 'web', field 'params.x':");
  }

  @Test
  void paramsVarsAndResourcesCannotBeModified() {
    Blueprint bp = Blueprint.fromYaml("m.yaml", """
        blueprint: m
        vars:
          labels: {team: a}
        resources:
          a:
            type: t
            params:
              nested: {list: [1, {k: v}]}
        """);
    @SuppressWarnings("unchecked")
    Map<String, Object> nested = (Map<String, Object>) bp.resources().get(0).params().get("nested");
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) nested.get("list");

    assertThatThrownBy(() -> bp.resources().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> bp.vars().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> list.add(2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((Map<?, ?>) bp.vars().get("labels")).clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(list).containsExactly(1, Map.of("k", "v"));
  }
}
