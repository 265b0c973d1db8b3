package dev.tenantwright.core.internal.blueprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.BlueprintException.Problem;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlueprintValidatorTest {

  record SecretSpec(int length, @Nullable String alphabet) {}

  record SecretOutputs(Secret value) {}

  record PortSpec(@Nullable Integer preferred) {}

  record PortOutputs(int port) {}

  record Limits(String cpu, @Nullable String memory) {}

  record Route(String host, @Nullable Integer port) {}

  record ProjectSpec(
      String image,
      @Nullable Secret password,
      @Nullable String url,
      @Nullable String domain,
      @Nullable Limits limits,
      @Nullable List<Route> routes) {}

  record ProjectOutputs(String projectName, String url) {}

  /** Not a record: its fields cannot be known, so it is not checked field by field. */
  static final class LegacySpec {}

  static final class Catalog implements TypeCatalog {
    private final Map<String, List<Class<?>>> types = Map.of(
        "secret", List.of(SecretSpec.class, SecretOutputs.class),
        "port", List.of(PortSpec.class, PortOutputs.class),
        "compose.project", List.of(ProjectSpec.class, ProjectOutputs.class),
        "legacy.thing", List.of(LegacySpec.class, LegacySpec.class));

    @Override
    public Optional<Class<?>> specType(String type) {
      return Optional.ofNullable(types.get(type)).map(l -> l.get(0));
    }

    @Override
    public Optional<Class<?>> outputType(String type) {
      return Optional.ofNullable(types.get(type)).map(l -> l.get(1));
    }

    @Override
    public Collection<String> types() {
      return types.keySet();
    }
  }

  private static final TypeCatalog CATALOG = new Catalog();

  private static BlueprintException failure(Blueprint bp) {
    Throwable t = catchThrowable(() -> BlueprintValidator.validate(bp, CATALOG));
    assertThat(t).isInstanceOf(BlueprintException.class);
    return (BlueprintException) t;
  }

  private static Blueprint yaml(String text) {
    return Blueprint.fromYaml("website.yaml", text);
  }

  @Test
  void acceptsTheWebsiteExample() {
    Blueprint bp = yaml("""
        blueprint: website
        vars: {image: busybox, domain: null}
        resources:
          db-password: {type: secret, params: {length: 32}}
          port: {type: port}
          web:
            type: compose.project
            params:
              image: ${vars.image}
              password: ${secrets.db-password}
              url: "http://localhost:${port.port}/"
              domain: ${vars.domain}
              limits: {cpu: "0.5"}
              routes: [{host: "${vars.domain}", port: 80}]
        """);

    assertThatCode(() -> BlueprintValidator.validate(bp, CATALOG)).doesNotThrowAnyException();
  }

  @Test
  void namesAMissingRequiredFieldWithFileResourceAndField() {
    BlueprintException e = failure(yaml("""
        blueprint: website
        resources:
          web: {type: compose.project, params: {url: "http://x"}}
        """));

    assertThat(e).hasMessage("blueprint 'website.yaml', resource 'web', field 'params.image': required field missing");
  }

  @Test
  void aPrimitiveFieldIsAlwaysRequired() {
    BlueprintException e = failure(yaml("blueprint: w\nresources:\n  pw: {type: secret}\n"));

    assertThat(e.problems()).containsExactly(new Problem("website.yaml", "pw", "params.length", "required field missing"));
  }

  @Test
  void aRequiredFieldGivenAsNullIsRefused() {
    BlueprintException e = failure(yaml("blueprint: w\nresources:\n  web: {type: compose.project, params: {image: null}}\n"));

    assertThat(e.problems()).extracting(Problem::field, Problem::message)
        .containsExactly(tuple("params.image", "required field must not be null"));
  }

  @Test
  void namesAnUnknownFieldAndListsTheKnownOnes() {
    BlueprintException e = failure(yaml("""
        blueprint: w
        resources:
          web: {type: compose.project, params: {image: x, imagePullPolicy: always}}
        """));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("params.imagePullPolicy");
      assertThat(p.message()).isEqualTo("unknown field (fields: image, password, url, domain, limits, routes)");
    });
  }

  @Test
  void checksNestedRecordsAndListsOfRecords() {
    BlueprintException e = failure(yaml("""
        blueprint: w
        resources:
          web:
            type: compose.project
            params:
              image: x
              limits: {memory: 1g}
              routes:
                - {host: a.example}
                - {hots: b.example}
        """));

    assertThat(e.problems()).extracting(Problem::field, Problem::message).containsExactly(
        tuple("params.limits.cpu", "required field missing"),
        tuple("params.routes[1].host", "required field missing"),
        tuple("params.routes[1].hots", "unknown field (fields: host, port)"));
  }

  @Test
  void namesAnUnknownTypeAndSuggestsACloseOne() {
    BlueprintException e = failure(yaml("""
        blueprint: w
        resources:
          web: {type: compose.projet, params: {image: x}}
          dns: {type: route53.record}
        """));

    assertThat(e.problems()).extracting(Problem::resource, Problem::field, Problem::message).containsExactly(
        tuple("web", "type", "unknown type 'compose.projet'; did you mean 'compose.project'?"),
        tuple("dns", "type", "unknown type 'route53.record' (known types: compose.project, legacy.thing, port, "
            + "secret)"));
  }

  @Test
  void refusesAReferenceToAnOutputTheTypeDoesNotHave() {
    BlueprintException e = failure(yaml("""
        blueprint: w
        resources:
          port: {type: port}
          web:
            type: compose.project
            params:
              image: x
              url: "http://localhost:${port.number}/"
        """));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.resource()).isEqualTo("web");
      assertThat(p.field()).isEqualTo("params.url");
      assertThat(p.message()).isEqualTo("${port.number}: resource 'port' (type 'port') has no output 'number' "
          + "(outputs: port)");
    });
  }

  @Test
  void collectsEveryProblemOfEveryResourceIntoOneException() {
    BlueprintException e = failure(yaml("""
        blueprint: w
        resources:
          pw: {type: secret, params: {size: 32}}
          port: {type: port}
          web: {type: compose.project, params: {url: "${port.host}"}}
          odd: {type: nope}
        """));

    assertThat(e.problems()).extracting(Problem::resource, Problem::field).containsExactly(
        tuple("pw", "params.length"),
        tuple("pw", "params.size"),
        tuple("web", "params.image"),
        tuple("odd", "type"),
        tuple("web", "params.url"));
    assertThat(e.getMessage()).startsWith("5 problems in blueprint 'website.yaml':");
  }

  @Test
  void aSpecThatIsNotARecordIsNotCheckedFieldByField() {
    Blueprint bp = yaml("blueprint: w\nresources:\n  a: {type: legacy.thing, params: {anything: 1}}\n");

    assertThatCode(() -> BlueprintValidator.validate(bp, CATALOG)).doesNotThrowAnyException();
  }
}
