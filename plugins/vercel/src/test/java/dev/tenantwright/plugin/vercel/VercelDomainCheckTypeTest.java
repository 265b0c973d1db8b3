package dev.tenantwright.plugin.vercel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VercelDomainCheckTypeTest {

  static final String DOMAIN = "shop.acme.example";

  final VercelFake fake = new VercelFake();
  final VercelDomainCheckType type = new VercelDomainCheckType();
  final Map<String, Object> config = Map.of("token", VercelFake.TOKEN, "baseUrl", fake.baseUrl(),
      "pollInterval", "5ms", "maxPollInterval", "20ms");
  final AtomicBoolean cnamePlaced = new AtomicBoolean();
  String projectId;
  DomainCheckSpec spec;

  @BeforeEach
  void aProjectWithTheDomain() {
    projectId = new VercelProjectType().create(new ProjectSpec(null, null, null, null, null, null),
        TestStepContext.builder().step("site").config("vercel", config).build()).outputs().id();
    spec = new DomainCheckSpec(projectId, DOMAIN);
    fake.dnsLookup((type, name) -> cnamePlaced.get() && type.equals("CNAME") && name.equals(DOMAIN)
        ? List.of(fake.recommendedCname(projectId)) : List.of());
  }

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
  }

  TestStepContext ctx() {
    return TestStepContext.builder().step("domain-ready").run("run-1").config("vercel", config).build();
  }

  DomainOutputs addDomain() {
    return new VercelDomainType().create(new DomainSpec(projectId, DOMAIN, null, null, null, null),
        TestStepContext.builder().step("domain").config("vercel", config).build()).outputs();
  }

  @Test
  void v5_waitsUntilTheDomainIsVerifiedAndConfiguredReverifyingItMeanwhile() {
    fake.requireVerification(DOMAIN);
    DomainOutputs pending = addDomain();
    AtomicBoolean txtPlaced = new AtomicBoolean();
    fake.txtLookup((name, value) -> txtPlaced.get() && name.equals(pending.txtName()) && value.equals(pending.txtValue()));
    long before = fake.calls(VercelFake.VERIFY_DOMAIN);
    // the records appear while the step waits: the TXT challenge after a few calls, the CNAME after more
    fake.afterEachCall(n -> {
      if (fake.calls(VercelFake.DOMAIN_CONFIG) == 2) {
        txtPlaced.set(true);
      }
      if (fake.calls(VercelFake.DOMAIN_CONFIG) == 4) {
        cnamePlaced.set(true);
      }
    });
    TestStepContext ctx = ctx();

    CreateResult<DomainCheckOutputs> done = type.create(spec, ctx);

    assertThat(done.outputs().verified()).isTrue();
    assertThat(done.outputs().configuredBy()).isEqualTo("CNAME");
    assertThat(fake.calls(VercelFake.VERIFY_DOMAIN) - before).as("verified again while the TXT record was missing")
        .isGreaterThanOrEqualTo(2);
    assertThat(ctx.progressReports()).anySatisfy(p -> assertThat(p).contains("not verified"))
        .anySatisfy(p -> assertThat(p).contains(fake.recommendedCname(projectId)));
    assertThat(type.read(spec, null, ctx)).contains(done.outputs());
  }

  @Test
  void v5_atTheStepsDeadlineItFailsRetryableNamingTheRecordToPlace() {
    addDomain();
    StepContext shortLived = ctx().newBuilder().budget(Duration.ofMillis(300)).build();

    assertThatThrownBy(() -> type.create(spec, shortLived))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining(DOMAIN)
        .hasMessageContaining("CNAME " + fake.recommendedCname(projectId));
    assertThat(type.read(spec, null, shortLived)).isEmpty();
  }

  @Test
  void v5_aDomainThatIsNotOnTheProjectIsPermanent() {
    assertThatThrownBy(() -> type.create(spec, ctx()))
        .isInstanceOf(PermanentException.class).hasMessageContaining("vercel.domain");
  }

  @Test
  void deleteChangesNothing() {
    DomainOutputs added = addDomain();
    cnamePlaced.set(true);
    DomainCheckOutputs done = type.create(spec, ctx()).outputs();
    long calls = fake.totalCalls();

    type.delete(spec, done, ctx());

    assertThat(fake.totalCalls()).isEqualTo(calls);
    assertThat(fake.domains(projectId)).containsExactly(added.name());
  }
}
