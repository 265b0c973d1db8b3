package dev.tenantwright.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.engine.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The smallest inputs behind the failures the fuzz suite found, one test each, so that a fix can be checked
 * without replaying a seed. Each names the property it pins: a refusal is a public exception naming the field,
 * its message holds no control characters, and nothing is created.
 */
class FoundByFuzzTest {

  private Tenantwright h2;
  private Tenantwright postgres;
  private Path dir;
  private final FuzzThing thing = new FuzzThing();

  private Tenantwright h2() throws IOException {
    dir = Files.createTempDirectory("tw-found");
    h2 = wire(Stores.h2(dir));
    return h2;
  }

  private Tenantwright postgres() {
    postgres = wire(Stores.on(new PooledDataSource(Stores.freshPostgres())));
    return postgres;
  }

  private Tenantwright wire(Tenantwright.Builder b) {
    return b.resourceType(thing).blueprint(InputFuzzContract.FUZZ).blueprint(InputFuzzContract.OTHER)
        .defaultBlueprint("fuzz").build();
  }

  @AfterEach
  void close() throws IOException {
    if (h2 != null) {
      h2.close(Duration.ZERO);
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    if (postgres != null) {
      postgres.close(Duration.ZERO);
    }
  }

  @Test
  void anEmailWithControlCharactersIsRefusedByName() throws IOException {
    Tenantwright tw = h2();
    for (String email : new String[] {"a\u0007b@acme.example", "\u001bops@acme.example", "a\u0000b@acme.example"}) {
      assertThatThrownBy(() -> tw.tenants().create(NewTenant.company("Acme").email(email)))
          .as(Fuzz.show(email))
          .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("email"));
    }
    assertThat(tw.tenants().list()).isEmpty();
  }

  @Test
  void anEmailWithANulByteIsRefusedByNameOnPostgresNotWithADatabaseError() {
    Tenantwright tw = postgres();
    Throwable thrown = catchThrowable(() -> tw.tenants().create(NewTenant.company("Acme").email("a\u0000b@acme.example")));
    assertThat(thrown).isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("email"));
    assertThat(tw.tenants().list()).isEmpty();
  }

  @Test
  void aCompanyNameWithLoneSurrogatesIsRefusedOrStoredExactlyOnPostgres() {
    Tenantwright tw = postgres();
    String company = "Acme \ud800 Corp";
    Tenant t;
    try {
      t = tw.tenants().create(NewTenant.company(company).email("ops@acme.example"));
    } catch (ValidationException e) {
      assertThat(e.field()).isEqualTo("company");
      return;
    }
    assertThat(tw.tenants().get(t.id()).displayName()).as("the display name read back").isEqualTo(t.displayName());
  }

  @Test
  void anActorLongerThanTheAuditTrailKeepsIsRefusedByNameWithoutCreatingAnything() throws IOException {
    Tenantwright tw = h2();
    String tenant = tw.tenants().create(NewTenant.company("Acme").email("ops@acme.example")).id();
    Throwable thrown = catchThrowable(() -> tw.environments().createTest(tenant, "long-actor",
        RunOptions.defaults().actor("a".repeat(201))).await(Duration.ofSeconds(30)));
    assertThat(thrown).isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("actor"));
    assertThat(tw.environments().list(tenant)).isEmpty();
  }

  @Test
  void aParameterOfAnUnsupportedTypeIsRefusedByName() throws IOException {
    Tenantwright tw = h2();
    String tenant = tw.tenants().create(NewTenant.company("Acme").email("ops@acme.example")).id();
    for (Object value : new Object[] {new Object(), Map.of("a", "b")}) {
      Throwable thrown = catchThrowable(() -> tw.environments().createTest(tenant, "odd",
          RunOptions.defaults().parameter("theme", value)));
      assertThat(thrown).as(value.getClass().getName()).isInstanceOfSatisfying(ValidationException.class,
          e -> assertThat(e.field()).isEqualTo("parameters.theme"));
      assertThat(thrown.getMessage()).doesNotContain("SerializationFeature", "BeanSerializer");
    }
    assertThat(tw.environments().list(tenant)).isEmpty();
  }

  @Test
  void refusalMessagesNeverEchoControlCharacters() throws IOException {
    Tenantwright tw = h2();
    String tenant = tw.tenants().create(NewTenant.company("Acme").email("ops@acme.example")).id();
    Map<String, Function<Tenantwright, Object>> calls = Map.of(
        "attribute key with NEL", t -> t.tenants().create(NewTenant.company("Beta").email("ops@beta.example")
            .attribute("a\u0085b", "x")),
        "parameter name with BEL", t -> t.environments().createTest(tenant, "p",
            RunOptions.defaults().parameter("x\u0007", "v")),
        "blueprint name with SOH", t -> t.environments().createTest(tenant, "b",
            RunOptions.defaults().blueprint("bp\u0001")),
        "idempotency key NUL", t -> RunOptions.defaults().idempotencyKey("\u0000"));
    calls.forEach((what, call) -> {
      Throwable thrown = catchThrowable(() -> call.apply(tw));
      assertThat(thrown).as(what).isNotNull();
      assertThat(thrown.getMessage().chars().noneMatch(Character::isISOControl))
          .as(what + ": " + Fuzz.show(thrown.getMessage())).isTrue();
    });
  }

  @Test
  void switchingAnEnvironmentToAnotherBlueprintNeverLeavesItUnprovisionable() throws IOException {
    Tenantwright tw = h2();
    String tenant = tw.tenants().create(NewTenant.company("Acme").email("ops@acme.example")).id();
    assertThat(tw.environments().createTest(tenant, "live", RunOptions.defaults()).await(Duration.ofSeconds(30))
        .state()).isEqualTo(dev.tenantwright.core.RunState.SUCCEEDED);

    dev.tenantwright.core.Run switched;
    try {
      switched = tw.environments().createTest(tenant, "live", RunOptions.defaults().blueprint("other"))
          .await(Duration.ofSeconds(30));
    } catch (RuntimeException refused) {
      assertThat(Fuzz.isClearError(refused)).as(refused.toString()).isTrue();
      switched = null;
    }
    if (switched != null) {
      assertThat(switched.state()).as("switching to 'other': " + switched.error())
          .isEqualTo(dev.tenantwright.core.RunState.SUCCEEDED);
    }
    dev.tenantwright.core.Run again = tw.environments().createTest(tenant, "live", RunOptions.defaults())
        .await(Duration.ofSeconds(30));
    assertThat(again.state()).as("provisioning again: " + again.error())
        .isEqualTo(dev.tenantwright.core.RunState.SUCCEEDED);
  }

  @Test
  void aRolledBackRunLeavesNoParameterBehindThatBreaksTheNextRun() throws IOException {
    Tenantwright tw = h2();
    String tenant = tw.tenants().create(NewTenant.company("Acme").email("ops@acme.example")).id();
    for (double odd : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
      try {
        tw.environments().createTest(tenant, "sized", RunOptions.defaults().parameter("size", odd))
            .await(Duration.ofSeconds(30));
      } catch (ValidationException refused) {
        assertThat(refused.field()).isEqualTo("parameters.size");
      }
      dev.tenantwright.core.Run plain = tw.environments().createTest(tenant, "sized", RunOptions.defaults())
          .await(Duration.ofSeconds(30));
      assertThat(plain.state()).as("a plain run after size=" + odd + ": " + plain.error())
          .isEqualTo(dev.tenantwright.core.RunState.SUCCEEDED);
    }
  }

  /**
   * Found by the input fuzz (seed 20261122, case 9104): a request that reused an idempotency key without the
   * parameter that had made the key's first run roll back got that rolled-back run back, as if it were the same
   * request. A key sent again with other parameters is now refused; the same request still gets the same run.
   */
  @Test
  void anIdempotencyKeyReusedWithOtherParametersIsRefusedAndTheSameRequestGetsTheSameRun() throws IOException {
    Tenantwright tw = h2();
    String tenant = tw.tenants().create(NewTenant.company("Acme").email("ops@acme.example")).id();
    dev.tenantwright.core.Run first = tw.environments().createTest(tenant, "keyed",
        RunOptions.defaults().idempotencyKey("k-1").parameter("size", true)).await(Duration.ofSeconds(30));
    assertThat(first.state()).as("size=true is no number: the run rolls back")
        .isEqualTo(dev.tenantwright.core.RunState.ROLLED_BACK);

    dev.tenantwright.core.Run same = tw.environments().createTest(tenant, "keyed",
        RunOptions.defaults().parameter("size", true).idempotencyKey("k-1"));
    assertThatThrownBy(() -> tw.environments().createTest(tenant, "keyed", RunOptions.defaults().idempotencyKey("k-1")))
        .isInstanceOf(dev.tenantwright.core.ConflictException.class).hasMessageContaining("k-1")
        .hasMessageContaining("other parameters");
    dev.tenantwright.core.Run plain = tw.environments().createTest(tenant, "keyed",
        RunOptions.defaults().idempotencyKey("k-2")).await(Duration.ofSeconds(30));

    assertThat(same.id()).as("the same request with the same key").isEqualTo(first.id());
    assertThat(plain.state()).as("a new key without the bad parameter: " + plain.error())
        .isEqualTo(dev.tenantwright.core.RunState.SUCCEEDED);
  }
}
