package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.HostName;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * What one tenant's text can claim of another's: host names (SEC4) and backend names (SEC9). Every refusal
 * happens before the backend is called, names the resource and the rule, and never names the other tenant.
 */
abstract class TenantBoundaryContract extends EngineContractSupport {

  /** A site answering for one host name. */
  public record SiteSpec(@HostName String host) {}

  /** The site's backend name. */
  public record SiteOut(String name) {}

  /** Backend objects by name, with the host they answer for. */
  final Map<String, String> sites = new ConcurrentHashMap<>();

  TenantBoundaryContract(Fixture fixture) {
    super(fixture);
  }

  @Override
  protected Tenantwright.Builder wire(Tenantwright.Builder b) {
    return super.wire(b).resourceType(new SiteType()).platformDomains("sites.example.com");
  }

  private static Blueprint site() {
    return Blueprint.builder("site")
        .var("host", "default.sites.example.com")
        .resource("site", "test.site", r -> r.param("host", "${vars.host}"))
        .build();
  }

  private Tenant tenant(Tenantwright tw, String company) {
    return tw.tenants().create(NewTenant.company(company).email("ops@" + company.replace(" ", "").toLowerCase()
        + ".example"));
  }

  private static Run provision(Tenantwright tw, Tenant t, EnvironmentKind kind, String host) {
    return tw.environments().provision(t.id(), kind, RunOptions.defaults().parameter("host", host)).await(WAIT);
  }

  @Test
  void sec4_aNameUnderThePlatformDomainIsFirstComeFirstServed() {
    Tenantwright tw = open(site());
    Tenant acme = tenant(tw, "Acme");
    Tenant evil = tenant(tw, "Evil Corp");
    assertThat(provision(tw, acme, EnvironmentKind.DEMO, "shop.sites.example.com").state())
        .isEqualTo(RunState.SUCCEEDED);

    for (String host : List.of("shop.sites.example.com", "SHOP.sites.example.com.", "cart.shop.sites.example.com")) {
      Run stolen = provision(tw, evil, EnvironmentKind.DEMO, host);
      assertThat(stolen.state()).as(host).isEqualTo(RunState.ROLLED_BACK);
      assertThat(stolen.error()).as(host).contains("resource 'site'").contains("another tenant")
          .doesNotContain(acme.id()).doesNotContain("Acme");
    }
    assertThat(sites).as("the backend was never asked for another tenant's name").hasSize(1);

    Run ownLive = provision(tw, acme, EnvironmentKind.LIVE, "shop.sites.example.com");
    assertThat(ownLive.state()).as("one name, one environment").isEqualTo(RunState.ROLLED_BACK);
    assertThat(ownLive.error()).contains("is used by environment 'demo' of this tenant");
  }

  @Test
  void sec4_aNameIsFreeAgainOnceItsEnvironmentIsDestroyed() {
    Tenantwright tw = open(site());
    Tenant acme = tenant(tw, "Acme");
    Tenant other = tenant(tw, "Other");
    assertThat(provision(tw, acme, EnvironmentKind.DEMO, "shop.sites.example.com").state())
        .isEqualTo(RunState.SUCCEEDED);
    assertThat(tw.environments().destroy(acme.id(), "demo", RunOptions.defaults()).await(WAIT).state())
        .isEqualTo(RunState.SUCCEEDED);

    assertThat(provision(tw, other, EnvironmentKind.DEMO, "shop.sites.example.com").state())
        .isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void sec4_namesThatWouldReachOthersAreRefusedBeforeTheBackend() {
    Tenantwright tw = open(site());
    Tenant evil = tenant(tw, "Evil Corp");
    Map<String, String> refused = Map.of(
        "*.sites.example.com", "wildcard",
        "_acme-challenge.sites.example.com", "ACME challenge",
        "_acme-challenge.shop.sites.example.com", "ACME challenge",
        "sites.example.com", "the platform domain itself",
        "www.sites.example.com", "reserved name 'www'",
        "x.login.sites.example.com", "reserved name 'login'",
        "admin.sites.example.com", "reserved",
        "bank.example.org", "custom domain tenant '" + evil.id() + "' has not verified",
        "localhost", "not a fully qualified name",
        "shop.sites.example.com/../admin", "is not a host name");
    refused.forEach((host, why) -> {
      Run run = provision(tw, evil, EnvironmentKind.DEMO, host);
      assertThat(run.state()).as(host).isEqualTo(RunState.ROLLED_BACK);
      assertThat(run.error()).as(host).contains(why);
    });
    assertThat(sites).isEmpty();
    assertThat(tw.domains().verified(evil.id())).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RunOptions.defaults().parameter("host", "shop.sites.example.com\nx-evil: 1"))
        .isInstanceOf(dev.tenantwright.core.ValidationException.class).hasMessageContaining("parameters.host");
  }

  /** SEC9: before, "acme" + "test-demo" and "acme-test" + "demo" both named their objects acme-test-demo-site. */
  @Test
  void sec9_tenantAndEnvironmentNamesCannotCombineIntoAnotherTenantsBackendName() {
    Tenantwright tw = open(site());
    Tenant acme = tenant(tw, "Acme");
    Tenant acmeTest = tenant(tw, "Acme Test");
    assertThat(acmeTest.id()).isEqualTo("acme-test");

    Run squat = tw.environments().createTest(acme.id(), "demo",
        RunOptions.defaults().parameter("host", "demo.acme.sites.example.com")).await(WAIT);
    Run victim = provision(tw, acmeTest, EnvironmentKind.DEMO, "acme-test.sites.example.com");

    assertThat(squat.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(victim.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(sites).hasSize(2).containsEntry("acme-test--demo--site", "acme-test.sites.example.com");
    assertThat(sites.keySet()).allSatisfy(n -> assertThat(n.split("--")).as(n).hasSize(3));
  }

  /** The site backend: refuses to create a name twice, like a real one would. */
  final class SiteType implements ResourceType<SiteSpec, SiteOut> {
    @Override
    public String type() {
      return "test.site";
    }

    @Override
    public Class<SiteSpec> specType() {
      return SiteSpec.class;
    }

    @Override
    public Class<SiteOut> outputType() {
      return SiteOut.class;
    }

    @Override
    public CreateResult<SiteOut> create(SiteSpec spec, StepContext ctx) {
      String before = sites.putIfAbsent(ctx.resourceName(), spec.host());
      if (before != null) {
        throw new dev.tenantwright.spi.PermanentException("site " + ctx.resourceName() + " exists");
      }
      return CreateResult.created(new SiteOut(ctx.resourceName()));
    }

    @Override
    public Optional<SiteOut> read(SiteSpec spec, SiteOut outputs, StepContext ctx) {
      return sites.containsKey(outputs.name()) ? Optional.of(outputs) : Optional.empty();
    }

    @Override
    public void delete(SiteSpec spec, SiteOut outputs, StepContext ctx) {
      sites.remove(outputs.name());
    }
  }
}
