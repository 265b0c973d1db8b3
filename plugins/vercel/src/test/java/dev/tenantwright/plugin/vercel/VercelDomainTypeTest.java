package dev.tenantwright.plugin.vercel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.plugin.vercel.internal.Ownership;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VercelDomainTypeTest {

  static final String DOMAIN = "shop.acme.example";

  final VercelFake fake = new VercelFake();
  final VercelDomainType type = new VercelDomainType();
  final Map<String, Object> config = Map.of("token", VercelFake.TOKEN, "baseUrl", fake.baseUrl());
  String projectId;
  DomainSpec spec;

  @BeforeEach
  void aProjectOfThisEnvironment() {
    projectId = new VercelProjectType().create(new ProjectSpec(null, null, null, null, null, null),
        TestStepContext.builder().step("site").config("vercel", config).build()).outputs().id();
    spec = new DomainSpec(projectId, DOMAIN, null, null, null, null);
  }

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
  }

  StepContext ctx(String runId) {
    return TestStepContext.builder().step("domain").run(runId).config("vercel", config).build();
  }

  @Test
  void addsTheDomainAndRecordsItsMarkerOnTheProject() {
    StepContext ctx = ctx("run-1");
    CreateResult<DomainOutputs> made = type.create(spec, ctx);

    assertThat(made.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(made.outputs().verified()).isTrue();
    assertThat(made.outputs().apexName()).isEqualTo("acme.example");
    assertThat(fake.domains(projectId)).containsExactly(DOMAIN);
    assertThat(fake.envValue(projectId, Ownership.domainKey(DOMAIN))).contains(ctx.ownershipMarker());
  }

  @Test
  void aDomainAlreadyOnTheProjectConvergesByItsMarker() {
    type.create(spec, ctx("run-1"));

    assertThat(type.create(spec, ctx("run-1")).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(type.create(spec, ctx("run-2")).origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(fake.calls(VercelFake.ADD_DOMAIN)).isEqualTo(1);
  }

  @Test
  void vercelsAlreadyOnThisProject400ConvergesWhenTheFirstAnswerWasLost() {
    fake.inject(Fault.status(502).on(VercelFake.ADD_DOMAIN).afterHandler().times(1));
    assertThatThrownBy(() -> type.create(spec, ctx("run-1"))).isInstanceOf(dev.tenantwright.spi.RetryableException.class);

    fake.inject(Fault.status(404).on(VercelFake.GET_DOMAIN).times(1));
    assertThat(type.create(spec, ctx("run-1")).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.calls(VercelFake.ADD_DOMAIN)).isEqualTo(2);
    assertThat(fake.domains(projectId)).containsExactly(DOMAIN);
  }

  @Test
  void aDomainOnTheProjectWithoutOurMarkerIsRefused() {
    fake.putDomain(projectId, DOMAIN);

    assertThatThrownBy(() -> type.create(spec, ctx("run-1")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("not managed by this resource");
  }

  @Test
  void aDomainOfAnotherProjectIsPermanentWithVercelsMessageAndLeavesNoMarker() {
    String other = fake.putProject("other-site", null);
    fake.putDomain(other, DOMAIN);

    assertThatThrownBy(() -> type.create(spec, ctx("run-1")))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("already assigned to another project");
    assertThat(fake.envKeys(projectId)).containsExactly(VercelFake.OWNER_KEY);
  }

  @Test
  void anUnverifiedDomainIsVerifiedOnceAndOtherwiseCarriesItsTxtChallenge() {
    fake.requireVerification(DOMAIN);
    DomainOutputs pending = type.create(spec, ctx("run-1")).outputs();

    assertThat(pending.verified()).isFalse();
    assertThat(pending.txtName()).isEqualTo("_vercel.acme.example");
    assertThat(pending.txtValue()).startsWith("vc-domain-verify=" + DOMAIN);
    assertThat(fake.calls(VercelFake.VERIFY_DOMAIN)).isEqualTo(1);

    fake.txtLookup((name, value) -> name.equals(pending.txtName()) && value.equals(pending.txtValue()));
    DomainOutputs verified = type.create(spec, ctx("run-1")).outputs();
    assertThat(verified.verified()).isTrue();
    assertThat(verified.txtName()).isNull();
  }

  @Test
  void deleteRemovesTheDomainAndItsMarkerAndTreatsMissingAsGone() {
    StepContext ctx = ctx("run-1");
    DomainOutputs out = type.create(spec, ctx).outputs();

    type.delete(spec, out, ctx);
    type.delete(spec, out, ctx);
    assertThat(fake.domains(projectId)).isEmpty();
    assertThat(fake.envKeys(projectId)).containsExactly(VercelFake.OWNER_KEY);
    assertThat(type.read(spec, null, ctx)).isEmpty();
  }

  @Test
  void v2_theDomainMarkerIsKeptInItsVariablesCommentSoDeleteCanTellItIsOurs() {
    StepContext ctx = ctx("run-1");
    DomainOutputs out = type.create(spec, ctx).outputs();

    assertThat(fake.envComment(projectId, Ownership.domainKey(DOMAIN))).contains(ctx.ownershipMarker());
    assertThat(type.read(spec, null, ctx)).isPresent();
    assertThat(type.create(spec, ctx("run-2")).origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    type.delete(spec, out, ctx);
    assertThat(fake.domains(projectId)).isEmpty();
    assertThat(fake.envKeys(projectId)).containsExactly(VercelFake.OWNER_KEY);
  }

  @Test
  void v5_theDomainOutputsTheRecordsVercelRecommendsAndWhetherItIsConfigured() {
    DomainOutputs out = type.create(spec, ctx("run-1")).outputs();

    assertThat(out.recommendedCNAME()).isEqualTo(fake.recommendedCname(projectId));
    assertThat(out.recommendedIPv4()).isEqualTo(VercelFake.RECOMMENDED_IPV4);
    assertThat(out.configured()).isFalse();
    assertThat(fake.requests(VercelFake.DOMAIN_CONFIG)).singleElement()
        .satisfies(c -> assertThat(c.query()).contains("projectIdOrName=" + projectId));

    fake.dnsLookup((type, name) -> type.equals("CNAME") && name.equals(DOMAIN) ? List.of(out.recommendedCNAME())
        : List.of());
    assertThat(type.read(spec, out, ctx("run-1"))).map(DomainOutputs::configured).contains(true);
  }

  @Test
  void anInvalidDomainIsRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> new DomainSpec(projectId, "Shop.ACME", null, null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'name'");
  }
}
