package dev.tenantwright.spring.internal;

import dev.tenantwright.core.PlanLimits;
import dev.tenantwright.core.StatusWebhook;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.spring.TenantwrightProperties;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Sets a {@link Tenantwright.Builder} from {@link TenantwrightProperties}, everything but where the journal lives
 * (the auto-configuration decides that from the application's beans). A value the builder refuses fails with its
 * {@link ValidationException}; a status webhook's names its property.
 */
public final class PropertyMapping {

  private PropertyMapping() {}

  /** Applies {@code properties} to {@code builder} and returns the builder. */
  public static Tenantwright.Builder apply(TenantwrightProperties properties, Tenantwright.Builder builder) {
    TenantwrightProperties p = properties;
    Tenantwright.Builder b = builder;
    if (p.getSecretKeyFile() != null) {
      b.secretKeyFile(p.getSecretKeyFile());
    }
    if (p.getPluginsDir() != null) {
      b.plugins(p.getPluginsDir());
    }
    b.classpathPlugins(p.isClasspathPlugins());
    p.getBlueprintDirs().forEach(b::blueprints);
    if (p.getDefaultBlueprint() != null) {
      b.defaultBlueprint(p.getDefaultBlueprint());
    }
    p.getPluginConfig().forEach((backend, section) -> b.pluginConfig(backend, section == null ? Map.of() : section));
    b.maxParallelSteps(p.getMaxParallelSteps());
    p.getBackendConcurrency().forEach(b::backendConcurrency);
    p.getSharedBackendConcurrency().forEach(b::sharedBackendConcurrency);
    p.getBackendRate().forEach(b::backendRate);
    b.stepTimeout(p.getStepTimeout());
    if (p.getMaxAttempts() != null) {
      b.maxAttempts(p.getMaxAttempts());
    }
    b.backoff(p.getBackoff().getBase(), p.getBackoff().getCap());
    if (p.getOwner() != null) {
      b.owner(p.getOwner());
    }
    b.recoverOnStart(p.isRecoverOnStart());
    b.leaseDuration(p.getLeaseDuration());
    b.portRange(p.getPortRange().getFrom(), p.getPortRange().getTo());
    b.platformDomains(p.getPlatformDomains().toArray(String[]::new));
    b.reservedHostNames(p.getReservedHostNames().toArray(String[]::new));
    b.dnsResolvers(p.getDnsResolvers().toArray(String[]::new));
    b.egressAllow(p.getEgressAllow().toArray(String[]::new));
    b.virtualThreads(p.isVirtualThreads());
    b.maxProvisionAttempts(p.getMaxProvisionAttempts());
    p.getPlans().forEach((name, plan) -> b.planLimits(name, new PlanLimits(plan.getMaxTestInstances(),
        plan.getMaxEnvironments(), plan.getMaxResources(), plan.getMaxSites())));
    p.getStatusWebhooks().forEach((name, webhook) -> b.statusWebhook(statusWebhook(name, webhook)));
    return b;
  }

  private static StatusWebhook statusWebhook(String name, TenantwrightProperties.StatusWebhook w) {
    String property = "tenantwright.status-webhooks." + name;
    if (w.getUrl() == null || w.getSecret() == null) {
      throw new ValidationException(property, "a status webhook needs a url and a secret");
    }
    try {
      byte[] secret = w.getSecret().getBytes(StandardCharsets.UTF_8);
      StatusWebhook webhook = StatusWebhook.to(name, URI.create(w.getUrl()), secret)
          .retries(w.getMaxAttempts(), w.getBackoffBase(), w.getBackoffCap());
      return w.getEvents().isEmpty() ? webhook : webhook.events(w.getEvents());
    } catch (ValidationException e) {
      throw new ValidationException(property + "." + e.field(), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ValidationException(property + ".url", e.getMessage());
    }
  }
}
