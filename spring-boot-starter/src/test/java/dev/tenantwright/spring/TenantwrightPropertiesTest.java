package dev.tenantwright.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.EventType;
import dev.tenantwright.core.PlanLimits;
import dev.tenantwright.core.StatusWebhook;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.TenantwrightConfig;
import dev.tenantwright.spring.internal.PropertyMapping;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Every {@code tenantwright.*} property reaches the builder, and the defaults are the builder's own. */
class TenantwrightPropertiesTest {

  @Test
  void theDefaultsAreTheBuildersDefaults() {
    TenantwrightConfig fromProperties = PropertyMapping.apply(new TenantwrightProperties(), Tenantwright.builder())
        .config();

    assertThat(fromProperties).usingRecursiveComparison().isEqualTo(Tenantwright.builder().config());
  }

  @Test
  void aStatusWebhooksDefaultsAreTheCoreDefaults() {
    StatusWebhook core = StatusWebhook.to("hook", URI.create("https://example.com/"), new byte[16]);
    TenantwrightProperties.StatusWebhook properties = new TenantwrightProperties.StatusWebhook();

    assertThat(properties.getMaxAttempts()).isEqualTo(core.maxAttempts());
    assertThat(properties.getBackoffBase()).isEqualTo(core.backoffBase());
    assertThat(properties.getBackoffCap()).isEqualTo(core.backoffCap());
    assertThat(properties.getEvents()).as("empty: the core's default events").isEmpty();
  }

  @Test
  void everyPropertyReachesTheBuilder() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("tenantwright.secret-key-file", "/etc/tw/secret.key");
    values.put("tenantwright.plugins-dir", "/opt/tw/plugins");
    values.put("tenantwright.classpath-plugins", "false");
    values.put("tenantwright.blueprint-dirs[0]", "/srv/blueprints");
    values.put("tenantwright.blueprint-dirs[1]", "/srv/more-blueprints");
    values.put("tenantwright.default-blueprint", "website");
    values.put("tenantwright.plugin-config.vercel.token", "tok");
    values.put("tenantwright.plugin-config.vercel.teamId", "team_1");
    values.put("tenantwright.max-parallel-steps", "8");
    values.put("tenantwright.backend-concurrency.vercel", "3");
    values.put("tenantwright.shared-backend-concurrency.cloudflare", "2");
    values.put("tenantwright.backend-rate.vercel", "1.5");
    values.put("tenantwright.step-timeout", "5m");
    values.put("tenantwright.max-attempts", "4");
    values.put("tenantwright.backoff.base", "100ms");
    values.put("tenantwright.backoff.cap", "10s");
    values.put("tenantwright.owner", "web-1");
    values.put("tenantwright.recover-on-start", "false");
    values.put("tenantwright.lease-duration", "15s");
    values.put("tenantwright.port-range.from", "30000");
    values.put("tenantwright.port-range.to", "30999");
    values.put("tenantwright.platform-domains", "sites.example.com,apps.example.com");
    values.put("tenantwright.reserved-host-names", "billing");
    values.put("tenantwright.dns-resolvers", "127.0.0.53:53");
    values.put("tenantwright.egress-allow", "10.0.0.0/8");
    values.put("tenantwright.virtual-threads", "false");
    values.put("tenantwright.max-provision-attempts", "5");
    values.put("tenantwright.plans.starter.max-test-instances", "2");
    values.put("tenantwright.plans.starter.max-environments", "4");
    values.put("tenantwright.plans.starter.max-sites", "1");
    values.put("tenantwright.plans.starter.max-resources.[vercel.project]", "3");
    values.put("tenantwright.status-webhooks.master-db.url", "https://admin.example.com/hooks/tenantwright");
    values.put("tenantwright.status-webhooks.master-db.secret", "0123456789abcdef-secret");
    values.put("tenantwright.status-webhooks.master-db.events", "RUN_SUCCEEDED,run-failed");
    values.put("tenantwright.status-webhooks.master-db.max-attempts", "5");
    values.put("tenantwright.status-webhooks.master-db.backoff-base", "1s");
    values.put("tenantwright.status-webhooks.master-db.backoff-cap", "1m");
    values.put("tenantwright.shutdown.drain", "45s");

    TenantwrightProperties properties = bind(values);
    TenantwrightConfig c = PropertyMapping.apply(properties, Tenantwright.builder()).config();

    assertThat(c.secretKeyFile()).isEqualTo(Path.of("/etc/tw/secret.key"));
    assertThat(c.pluginsDir()).isEqualTo(Path.of("/opt/tw/plugins"));
    assertThat(c.classpathPlugins()).isFalse();
    assertThat(c.blueprintDirs()).containsExactly(Path.of("/srv/blueprints"), Path.of("/srv/more-blueprints"));
    assertThat(c.defaultBlueprint()).isEqualTo("website");
    assertThat(c.pluginConfigs()).containsEntry("vercel", Map.of("token", "tok", "teamId", "team_1"));
    assertThat(c.maxParallelSteps()).isEqualTo(8);
    assertThat(c.backendConcurrency()).isEqualTo(Map.of("vercel", 3));
    assertThat(c.sharedBackendConcurrency()).isEqualTo(Map.of("cloudflare", 2));
    assertThat(c.backendRates()).isEqualTo(Map.of("vercel", 1.5));
    assertThat(c.stepTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.maxAttempts()).isEqualTo(4);
    assertThat(c.backoffBase()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.backoffCap()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.owner()).isEqualTo("web-1");
    assertThat(c.recoverOnStart()).isFalse();
    assertThat(c.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.portFrom()).isEqualTo(30000);
    assertThat(c.portTo()).isEqualTo(30999);
    assertThat(c.platformDomains()).containsExactly("sites.example.com", "apps.example.com");
    assertThat(c.reservedHostNames()).containsExactly("billing");
    assertThat(c.dnsResolvers()).containsExactly("127.0.0.53:53");
    assertThat(c.egressAllowed()).containsExactly("10.0.0.0/8");
    assertThat(c.virtualThreads()).isFalse();
    assertThat(c.maxProvisionAttempts()).isEqualTo(5);
    assertThat(c.planLimits()).containsOnlyKeys("starter");
    assertThat(c.planLimits().get("starter")).isEqualTo(new PlanLimits(2, 4, Map.of("vercel.project", 3), 1));
    assertThat(c.statusWebhooks()).hasSize(1);
    StatusWebhook hook = c.statusWebhooks().get(0);
    assertThat(hook.name()).isEqualTo("master-db");
    assertThat(hook.url()).isEqualTo(URI.create("https://admin.example.com/hooks/tenantwright"));
    assertThat(hook.secret()).isEqualTo("0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8));
    assertThat(hook.events()).isEqualTo(Set.of(EventType.RUN_SUCCEEDED, EventType.RUN_FAILED));
    assertThat(List.of(hook.maxAttempts(), hook.backoffBase(), hook.backoffCap()))
        .containsExactly(5, Duration.ofSeconds(1), Duration.ofMinutes(1));
    assertThat(properties.getShutdown().getDrain()).isEqualTo(Duration.ofSeconds(45));
  }

  /** Binds as Spring does at start-up, but refuses any property the class does not have. */
  private static TenantwrightProperties bind(Map<String, String> values) {
    TenantwrightProperties properties = new TenantwrightProperties();
    new Binder(new MapConfigurationPropertySource(values)).bind("tenantwright", Bindable.ofInstance(properties),
        new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
    return properties;
  }
}
