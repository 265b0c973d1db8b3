package dev.tenantwright.plugin.vercel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.plugin.vercel.internal.Ownership;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VercelEnvTypeTest {

  final VercelFake fake = new VercelFake();
  final VercelEnvType type = new VercelEnvType();
  final Map<String, Object> config = Map.of("token", VercelFake.TOKEN, "baseUrl", fake.baseUrl());
  String projectId;

  @BeforeEach
  void aProjectOfThisEnvironment() {
    projectId = new VercelProjectType().create(new ProjectSpec(null, null, null, null, null, null),
        TestStepContext.builder().step("site").config("vercel", config).build()).outputs().id();
  }

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
  }

  StepContext ctx(String runId) {
    return TestStepContext.builder().step("env").run(runId).config("vercel", config).build();
  }

  EnvSpec spec(Map<String, String> vars) {
    Map<String, Secret> secrets = new java.util.TreeMap<>();
    vars.forEach((k, v) -> secrets.put(k, Secret.of(v)));
    return new EnvSpec(projectId, secrets, null, null, null);
  }

  @Test
  void setsEveryVariableInOneUpsertMarkedWithOurMarkerAndKeepsValuesOutOfTheOutputs() {
    StepContext ctx = ctx("run-1");
    CreateResult<EnvOutputs> made = type.create(spec(Map.of("API_URL", "https://api.acme", "DB_PASSWORD", "s3cr3t-value")), ctx);

    assertThat(made.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(made.outputs().ids()).containsOnlyKeys("API_URL", "DB_PASSWORD");
    assertThat(made.outputs().toString()).doesNotContain("s3cr3t-value");
    assertThat(fake.envValue(projectId, "DB_PASSWORD")).contains("s3cr3t-value");
    assertThat(fake.requests(VercelFake.CREATE_ENV)).as("one upsert after the project's own marker")
        .filteredOn(c -> c.body().contains("API_URL")).singleElement()
        .satisfies(c -> assertThat(c.query()).contains("upsert=true"));
  }

  @Test
  void aSecondCreateUpdatesValuesInPlaceAndAnotherRunAdopts() {
    type.create(spec(Map.of("API_URL", "https://a")), ctx("run-1"));
    assertThat(type.create(spec(Map.of("API_URL", "https://b")), ctx("run-1")).origin())
        .isEqualTo(CreateResult.Origin.CREATED);
    assertThat(type.create(spec(Map.of("API_URL", "https://b")), ctx("run-2")).origin())
        .isEqualTo(CreateResult.Origin.ADOPTED);

    assertThat(fake.envValue(projectId, "API_URL")).contains("https://b");
    assertThat(fake.envKeys(projectId)).containsExactly(VercelFake.OWNER_KEY, "API_URL");
  }

  @Test
  void readReportsTheRevisionOfTheValuesVercelHoldsCountingASensitiveOneAsTheSpecs() {
    StepContext ctx = ctx("run-1");
    Map<String, Secret> vars = Map.of("API_URL", Secret.of("https://a"), "API_KEY", Secret.of("k1"));
    EnvSpec encrypted = new EnvSpec(projectId, vars, null, null, null);
    EnvOutputs made = type.create(encrypted, ctx).outputs();
    assertThat(type.read(encrypted, made, ctx)).contains(made);

    fake.setEnvValue(projectId, "API_URL", "https://edited-by-hand");
    assertThat(type.read(encrypted, made, ctx).orElseThrow().revision()).isNotEqualTo(made.revision());

    EnvSpec sensitive = new EnvSpec(projectId, vars, "sensitive", null, null);
    EnvOutputs updated = type.update(sensitive, encrypted, made, ctx);
    fake.setEnvValue(projectId, "API_KEY", "k2");
    assertThat(type.read(sensitive, updated, ctx)).as("Vercel never shows a sensitive value: it counts as the spec's")
        .contains(updated);
  }

  @Test
  void aVariableSetByHandIsNeverOverwritten() {
    fake.putEnv(projectId, "API_URL", "https://hand-made", "plain", List.of("production"), null);

    assertThatThrownBy(() -> type.create(spec(Map.of("API_URL", "https://a")), ctx("run-1")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("API_URL").hasMessageContaining("not managed");
    assertThat(fake.envValue(projectId, "API_URL")).contains("https://hand-made");
  }

  @Test
  void variablesVercelReportsInFailedAreErrorsAndTheOthersAreRemovedAgain() {
    fake.failEnv("BROKEN", "invalid_value", "The value of BROKEN is not allowed");

    assertThatThrownBy(() -> type.create(spec(Map.of("API_URL", "https://a", "BROKEN", "x")), ctx("run-1")))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("BROKEN: [invalid_value] The value of BROKEN is not allowed");
    assertThat(fake.envKeys(projectId)).containsExactly(VercelFake.OWNER_KEY);
  }

  @Test
  void updateChangesValuesAndRemovesDroppedVariables() {
    StepContext ctx = ctx("run-1");
    EnvSpec before = spec(Map.of("A", "1", "B", "2"));
    EnvOutputs out = type.create(before, ctx).outputs();

    EnvSpec after = spec(Map.of("A", "10"));
    EnvOutputs updated = type.update(after, before, out, ctx);
    assertThat(updated.ids()).containsOnlyKeys("A");
    assertThat(fake.envKeys(projectId)).containsExactly(VercelFake.OWNER_KEY, "A");
    assertThat(fake.envValue(projectId, "A")).contains("10");
    assertThat(type.update(after, after, updated, ctx)).isEqualTo(updated);
  }

  @Test
  void deleteRemovesOnlyOurVariablesAndAProjectThatIsGoneIsSuccess() {
    StepContext ctx = ctx("run-1");
    EnvOutputs out = type.create(spec(Map.of("A", "1")), ctx).outputs();
    fake.putEnv(projectId, "MANUAL", "x", "plain", List.of("production"), null);

    type.delete(spec(Map.of("A", "1")), out, ctx);
    type.delete(spec(Map.of("A", "1")), out, ctx);
    assertThat(fake.envKeys(projectId)).containsExactly(VercelFake.OWNER_KEY, "MANUAL");
    assertThat(type.read(spec(Map.of("A", "1")), null, ctx)).isEmpty();

    type.delete(spec(Map.of("A", "1")), new EnvOutputs("prj_gone", Map.of("A", "x"), "0000000000000000"), ctx);
  }

  @Test
  void aProjectOfAnotherEnvironmentIsRefused() {
    String foreign = fake.putProject("someone-else", "tw:other/live/site@000000000000");

    assertThatThrownBy(() -> type.create(new EnvSpec(foreign, Map.of("A", Secret.of("1")), null, null, null),
        ctx("run-1"))).isInstanceOf(PermanentException.class).hasMessageContaining("not managed by this environment");
    assertThat(fake.envKeys(foreign)).containsExactly(VercelFake.OWNER_KEY);
  }

  @Test
  void reservedAndInvalidNamesAndImpossibleTargetsAreRefusedBeforeAnyCall() {
    long before = fake.totalCalls();
    assertThatThrownBy(() -> spec(Map.of("TENANTWRIGHT_OWNER", "x"))).hasMessageContaining("reserved");
    assertThatThrownBy(() -> spec(Map.of("1BAD", "x"))).hasMessageContaining("field 'vars'");
    assertThatThrownBy(() -> new EnvSpec("p", Map.of("A", Secret.of("1")), "sensitive", List.of("development"), null))
        .hasMessageContaining("field 'target'");
    assertThat(fake.totalCalls()).isEqualTo(before);
  }

  @Test
  void v4_theRevisionChangesWithTheVariablesButNeverCarriesAValue() {
    StepContext ctx = ctx("run-1");
    EnvOutputs a = type.create(spec(Map.of("API_URL", "https://a.example", "TOKEN", "s3cr3t")), ctx).outputs();
    EnvOutputs same = type.create(spec(Map.of("API_URL", "https://a.example", "TOKEN", "s3cr3t")), ctx).outputs();
    EnvOutputs b = type.update(spec(Map.of("API_URL", "https://b.example", "TOKEN", "s3cr3t")),
        spec(Map.of("API_URL", "https://a.example", "TOKEN", "s3cr3t")), a, ctx);

    assertThat(a.revision()).matches("[0-9a-f]{16}").isEqualTo(same.revision()).isNotEqualTo(b.revision());
    assertThat(type.read(spec(Map.of("API_URL", "https://b.example", "TOKEN", "s3cr3t")), b, ctx))
        .map(EnvOutputs::revision).contains(b.revision());
    assertThat(a + " " + b).doesNotContain("s3cr3t").doesNotContain("a.example");
    String unkeyed = Ownership.hash("{\"target\":[\"production\",\"preview\"],\"vars\":{\"API_URL\":\"https://a.example\","
        + "\"TOKEN\":\"s3cr3t\"}}", 16);
    assertThat(a.revision()).as("keyed, so a weak value cannot be guessed from the journal").isNotEqualTo(unkeyed);
  }
}
