package dev.tenantwright.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --config} points the CLI at other backends (here fakes standing in for Vercel and Cloudflare, started
 * by the test so they outlive each invocation), and mutating subcommands work across separate invocations.
 */
class RealBackendsTest {

  @TempDir
  Path dir;

  final VercelFake vercel = new VercelFake();
  final CloudflareFake cloudflare = new CloudflareFake();

  @AfterEach
  void stop() {
    vercel.close();
    cloudflare.close();
    SandboxSite.stopAll();
  }

  private Path config() throws IOException {
    Path blueprints = Files.createDirectories(dir.resolve("blueprints"));
    Files.writeString(blueprints.resolve("site.yaml"), """
        blueprint: site
        resources:
          web:
            type: vercel.project
            params: {framework: nextjs}
          deploy:
            type: vercel.deployment
            params:
              project: ${web.id}
              target: production
              gitSource: {type: github, org: globex, repo: site, ref: main}
          dns:
            type: cloudflare.dns-record
            needs: [deploy]
            params: {type: CNAME, name: "${env.name}.${tenant.id}.example.com", content: cname.vercel-dns.com}
        """);
    Path config = dir.resolve("tenantwright.yaml");
    Files.writeString(config, """
        plugins:
          vercel: {token: %s, baseUrl: "%s", pollInterval: 20ms, maxPollInterval: 100ms}
          cloudflare: {token: %s, zoneId: %s, baseUrl: "%s"}
        blueprints: blueprints
        defaultBlueprint: site
        platformDomains: [example.com]
        """.formatted(VercelFake.TOKEN, vercel.baseUrl(), CloudflareFake.TOKEN, CloudflareFake.ZONE_ID,
        cloudflare.baseUrl()));
    return config;
  }

  @Test
  void mutatingSubcommandsRunAgainstTheConfiguredBackendsAcrossInvocations() throws IOException {
    String[] on = {"--config", config().toString(), "--data", dir.resolve("data").toString()};

    String created = QuickstartTest.run(0, concat(on, "tenants", "create", "Globex Inc", "--email", "ops@globex.example"));
    String live = QuickstartTest.run(0, concat(on, "env", "provision", "globex-inc", "live"));
    String test = QuickstartTest.run(0, concat(on, "test", "create", "globex-inc", "qa"));

    assertThat(created).contains("Backend: REAL").doesNotContain("SANDBOX").contains("globex-inc");
    assertThat(live).contains("PROVISION of globex-inc/live -> SUCCEEDED");
    assertThat(test).contains("PROVISION of globex-inc/test-qa -> SUCCEEDED");
    assertThat(vercel.projectId("globex-inc--live--web")).isPresent();
    assertThat(cloudflare.records()).extracting(CloudflareFake.DnsRecord::name)
        .containsExactlyInAnyOrder("live.globex-inc.example.com", "test-qa.globex-inc.example.com");

    String promoted = QuickstartTest.run(0, concat(on, "promote", "globex-inc", "test-qa", "--approve", "alice"));

    assertThat(promoted).contains("PROMOTE of globex-inc/live -> SUCCEEDED");

    String destroyed = QuickstartTest.run(0, concat(on, "test", "destroy", "globex-inc", "test-qa"));

    assertThat(destroyed).contains("DESTROY of globex-inc/test-qa -> SUCCEEDED");
    assertThat(vercel.projectId("globex-inc--test-qa--web")).isEmpty();
    assertThat(cloudflare.records()).extracting(CloudflareFake.DnsRecord::name)
        .containsExactly("live.globex-inc.example.com");

    // a second site of the same tenant, with its own test instance; and a plan change
    String shop = QuickstartTest.run(0, concat(on, "env", "provision", "globex-inc", "live", "--site", "shop"));
    String shopTest = QuickstartTest.run(0, concat(on, "test", "create", "globex-inc", "x", "--site", "shop"));
    assertThat(shop).contains("PROVISION of globex-inc/shop-live -> SUCCEEDED");
    assertThat(shopTest).contains("PROVISION of globex-inc/shop-test-x -> SUCCEEDED");
    assertThat(vercel.projectId("globex-inc--shop-live--web")).isPresent();
    assertThat(QuickstartTest.run(0, concat(on, "env", "status", "globex-inc", "shop-live")))
        .contains("globex-inc/shop-live (LIVE): READY, status COMPLETED");
    assertThat(QuickstartTest.run(1, concat(on, "env", "provision", "globex-inc", "live", "--site", "my-shop")))
        .contains("site").contains("'my-shop' is not a site name");
    assertThat(QuickstartTest.run(0, concat(on, "tenants", "plan", "globex-inc", "pro")))
        .contains("globex-inc: plan default -> pro");
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(b, 0, all, 0, b.length);
    System.arraycopy(a, 0, all, b.length, a.length);
    return all;
  }
}
