package dev.tenantwright.core.internal.blueprint;

import static dev.tenantwright.spi.EnvironmentKind.DEMO;
import static dev.tenantwright.spi.EnvironmentKind.LIVE;
import static dev.tenantwright.spi.EnvironmentKind.TEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DagTest {

  /** The website use case; DNS and the public health check exist only on live, sample data only on demo. */
  private static Blueprint website() {
    return Blueprint.builder("website")
        .var("domain", null)
        .resource("health", "http.health-check", r -> r
            .param("url", "https://${dns.name}/health")
            .needs("route")
            .kinds(LIVE))
        .resource("db-password", "secret", r -> r.param("length", 32))
        .resource("port", "port")
        .resource("web", "compose.project", r -> r
            .param("password", "${secrets.db-password}")
            .param("smtp", "${secrets.SMTP_PASSWORD}")
            .param("url", "http://localhost:${port.port}/"))
        .resource("dns", "cloudflare.dns-record", r -> r.param("name", "${vars.domain}").kinds(LIVE))
        .resource("route", "traefik.route", r -> r.needs("web").param("port", "${port.port}"))
        .resource("sample-data", "host.sample-data", r -> r.needs("web").kinds(DEMO))
        .build();
  }

  @Test
  void ordersDependenciesFirstAndOtherwiseKeepsDeclarationOrder() {
    Blueprint bp = Blueprint.builder("x")
        .resource("c", "t", r -> r.needs("a"))
        .resource("b", "t")
        .resource("a", "t")
        .resource("d", "t", r -> r.param("v", "${b.v}"))
        .build();

    assertThat(Dag.of(bp, DEMO).order()).containsExactly("b", "a", "c", "d");
  }

  @Test
  void containsOnlyTheResourcesOfItsKind() {
    Blueprint bp = website();

    assertThat(Dag.of(bp, LIVE).order()).containsExactly("db-password", "port", "web", "dns", "route", "health");
    assertThat(Dag.of(bp, DEMO).order()).containsExactly("db-password", "port", "web", "route", "sample-data");
    assertThat(Dag.of(bp, TEST).size()).isEqualTo(4);
    assertThat(Dag.of(bp, TEST).contains("sample-data")).isFalse();
  }

  @Test
  void dependenciesComeFromNeedsOutputReferencesAndSecretResources() {
    Dag live = Dag.of(website(), LIVE);

    assertThat(live.dependencies("web")).containsExactly("db-password", "port");
    assertThat(live.dependencies("route")).containsExactly("web", "port");
    assertThat(live.dependencies("health")).containsExactly("route", "dns");
    assertThat(live.dependencies("port")).isEmpty();
  }

  @Test
  void aHostSecretIsNotADependency() {
    assertThat(Dag.of(website(), LIVE).dependencies("web")).doesNotContain("SMTP_PASSWORD");
  }

  @Test
  void dependentsAreTheReverseEdgesWithinTheKind() {
    assertThat(Dag.of(website(), DEMO).dependents("web")).containsExactly("route", "sample-data");
    assertThat(Dag.of(website(), LIVE).dependents("web")).containsExactly("route");
    assertThat(Dag.of(website(), LIVE).dependents("port")).containsExactly("web", "route");
    assertThat(Dag.of(website(), LIVE).dependents("health")).isEmpty();
  }

  @Test
  void refusesToAnswerForAResourceOutsideTheKind() {
    assertThatThrownBy(() -> Dag.of(website(), TEST).dependencies("dns"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'dns'");
  }

  @Test
  void theCriticalPathIsTheLongestChainOfCosts() {
    Map<String, Duration> cost = Map.of(
        "db-password", Duration.ofMillis(1),
        "port", Duration.ofMillis(2),
        "web", Duration.ofSeconds(40),
        "dns", Duration.ofSeconds(90),
        "route", Duration.ofSeconds(1),
        "health", Duration.ofSeconds(5));

    // port (2ms) -> web (40s) -> route (1s) -> health (5s) = 46.002s, but dns (90s) -> health (5s) = 95s
    assertThat(Dag.of(website(), LIVE).criticalPath(cost::get)).isEqualTo(Duration.ofSeconds(95));
    assertThat(Dag.of(website(), LIVE).criticalPath(n -> n.equals("dns") ? Duration.ofSeconds(1) : cost.get(n)))
        .isEqualTo(Duration.ofMillis(46_002));
  }

  @Test
  void theCriticalPathOfIndependentResourcesIsTheSlowestOne() {
    Blueprint bp = Blueprint.builder("x").resource("a", "t").resource("b", "t").build();

    assertThat(Dag.of(bp, DEMO).criticalPath(n -> n.equals("a") ? Duration.ofSeconds(3) : Duration.ofSeconds(7)))
        .isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void anEmptyKindHasAnEmptyGraph() {
    Blueprint bp = Blueprint.builder("x").resource("a", "t", r -> r.kinds(LIVE)).build();

    Dag demo = Dag.of(bp, DEMO);

    assertThat(demo.size()).isZero();
    assertThat(demo.order()).isEmpty();
    assertThat(demo.criticalPath(n -> Duration.ofHours(1))).isEqualTo(Duration.ZERO);
  }

  @Test
  void aNegativeCostIsRefused() {
    Blueprint bp = Blueprint.builder("x").resource("a", "t").build();

    assertThatThrownBy(() -> Dag.of(bp, DEMO).criticalPath(n -> Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a'");
  }

  @Test
  void aCycleIsReportedWithItsPathAndTheFieldThatStartsIt() {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Blueprint.fromYaml("loop.yaml", """
        blueprint: loop
        resources:
          a:
            type: t
            params:
              token: ${b.token}
          b:
            type: t
            needs: [c]
          c:
            type: t
            params:
              url: "https://${a.host}/"
          d:
            type: t
            needs: [d-2]
          d-2:
            type: t
            needs: [d]
        """));

    assertThat(t).isInstanceOf(BlueprintException.class).hasMessage("""
        2 problems in blueprint 'loop.yaml':
          blueprint 'loop.yaml', resource 'a', field 'params.token': dependency cycle: a -> b -> c -> a
          blueprint 'loop.yaml', resource 'd', field 'needs': dependency cycle: d -> d-2 -> d""");
  }

  @Test
  void aCycleReportShowsTheShortestLoopThroughTheFirstDeclaredResource() {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Blueprint.builder("x")
        .resource("a", "t", r -> r.needs("b", "c"))
        .resource("b", "t", r -> r.needs("c"))
        .resource("c", "t", r -> r.needs("a"))
        .build());

    assertThat(t).hasMessageEndingWith("dependency cycle: a -> c -> a");
  }
}
