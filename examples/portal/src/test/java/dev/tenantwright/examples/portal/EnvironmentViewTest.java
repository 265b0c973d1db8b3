package dev.tenantwright.examples.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.spi.EnvironmentKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentViewTest {

  @Test
  void linksAreTheUrlOutputsOfTheResourcesWithoutHealthChecksOrRepeats() {
    Environment env = environment(
        new Environment.Resource("health", "http.health-check", "CREATED", Map.of("url", "http://127.0.0.1:20001/")),
        new Environment.Resource("site", "compose.project", "CREATED", Map.of("url", "https://acme.example.com/",
            "directory", "/srv/sites/acme")),
        new Environment.Resource("www", "traefik.route", "CREATED", Map.of("url", "https://acme.example.com/")),
        new Environment.Resource("db-password", "secret", "CREATED", Map.of("value", "******")),
        new Environment.Resource("sample-data", "sandbox.sample-data", "CREATED",
            Map.of("site", "http://127.0.0.1:20001/", "loaded", 25)));

    assertThat(EnvironmentView.links(env))
        .containsExactly(new EnvironmentView.Link("site", "https://acme.example.com/"));
  }

  @Test
  void aBareHostNameAsVercelReportsDeploymentsBecomesAnHttpsLink() {
    Environment env = environment(new Environment.Resource("deploy", "vercel.deployment", "CREATED",
        Map.of("url", "acme-web-git-main.vercel.app", "inspectorUrl", "https://vercel.com/acme/inspect")));

    assertThat(EnvironmentView.links(env))
        .containsExactly(new EnvironmentView.Link("deploy", "https://acme-web-git-main.vercel.app/"));
  }

  @Test
  void anOutputThatIsNoWebAddressIsNoLink() {
    Environment env = environment(
        new Environment.Resource("a", "x.thing", "CREATED", Map.of("url", "javascript:alert(1)")),
        new Environment.Resource("b", "x.thing", "CREATED", Map.of("url", "http://x\" onmouseover=\"alert(1)")));

    assertThat(EnvironmentView.links(env)).isEmpty();
  }

  private static Environment environment(Environment.Resource... resources) {
    return new Environment("acme", "live", EnvironmentKind.LIVE, EnvironmentState.READY, "website", null,
        List.of(resources), Instant.EPOCH, Instant.EPOCH);
  }
}
