package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.core.internal.commands.ProcessCommandRunner;
import dev.tenantwright.core.internal.engine.EngineStepContext;
import dev.tenantwright.core.internal.plugins.PluginConfigs;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.TenantInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Step contexts as the engine makes them, for calling the types directly. */
final class Contexts {

  /** Progress messages reported through contexts made here, in order. */
  static final List<String> PROGRESS = new CopyOnWriteArrayList<>();

  private Contexts() {}

  /** A context of step {@code step} in run {@code runId} for tenant {@code tenant}'s demo environment. */
  static StepContext of(String tenant, String step, String runId, Map<String, ?> cloudflareConfig) {
    return of(tenant, step, runId, cloudflareConfig, Duration.ofMinutes(1));
  }

  /** The same, with a deadline {@code left} from now. */
  static StepContext of(String tenant, String step, String runId, Map<String, ?> cloudflareConfig, Duration left) {
    return new EngineStepContext(new TenantInfo(tenant, tenant, tenant + "@example.test", "starter", Map.of()),
        new EnvironmentInfo(tenant, "demo", EnvironmentKind.DEMO), runId, step, "cloudflare", 1,
        Instant.now().plus(left), Clock.systemUTC(), () -> false, (pct, msg) -> PROGRESS.add(pct + " " + msg),
        n -> Optional.empty(), new ProcessCommandRunner(), new PluginConfigs(Map.of("cloudflare", cloudflareConfig)));
  }
}
