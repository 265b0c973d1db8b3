package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.internal.engine.EngineStepContext;
import dev.tenantwright.core.internal.engine.Naming;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.journal.Records.TenantRecord;
import dev.tenantwright.core.internal.json.JournalCodec;
import dev.tenantwright.core.internal.json.Scopes;
import dev.tenantwright.core.internal.plugins.PluginConfigs;
import dev.tenantwright.core.internal.plugins.TypeHandle;
import dev.tenantwright.core.internal.plugins.TypeRegistry;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantInfo;
import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a test instance's {@code http.health-check} resources once, now, before it is promoted to live: a
 * promotion of a test instance that is not healthy is refused. Thread-safe.
 */
final class PromotionCheck {

  private final Journal journal;
  private final TypeRegistry types;
  private final JournalCodec codec;
  private final Clock clock;
  private final CommandRunner commands;
  private final PluginConfigs configs;
  private final Map<String, Secret> hostSecrets;

  PromotionCheck(Journal journal, TypeRegistry types, JournalCodec codec, Clock clock, CommandRunner commands,
      PluginConfigs configs, Map<String, Secret> hostSecrets) {
    this.journal = journal;
    this.types = types;
    this.codec = codec;
    this.clock = clock;
    this.commands = commands;
    this.configs = configs;
    this.hostSecrets = Map.copyOf(hostSecrets);
  }

  /** The failing health checks of an environment (name and URL), empty when all pass. */
  List<String> failingHealthChecks(String environmentId) {
    List<String> failing = new ArrayList<>();
    EnvironmentRecord env = journal.environment(environmentId)
        .orElseThrow(() -> new NotFoundException("environment '" + environmentId + "' does not exist"));
    TenantRecord t = journal.tenant(env.tenantId()).orElseThrow();
    TenantInfo tenant = new TenantInfo(t.id(), t.displayName(), t.email(), t.plan(), t.attributes());
    for (ResourceRecord rec : journal.resources(environmentId)) {
      Optional<TypeHandle> type = types.find(rec.type());
      if (!"http.health-check".equals(rec.type()) || type.isEmpty()) {
        continue;
      }
      Object out = codec.read(rec.outputsJson(), type.get().outputType(),
          Scopes.resource(rec.environmentId(), rec.name(), "outputs"));
      Object url = field(out, "url");
      Object spec = codec.bind(Map.of("url", String.valueOf(url), "timeout", "10s"), type.get().specType());
      EngineStepContext ctx = new EngineStepContext(tenant,
          new EnvironmentInfo(env.tenantId(), env.name(), env.kind()), "health-" + Naming.runId(), rec.name(),
          type.get().backend(), 1, clock.instant().plus(Duration.ofSeconds(15)), clock, () -> false,
          (pct, msg) -> {}, n -> Optional.ofNullable(hostSecrets.get(n)), commands, configs, env.naming());
      try {
        if (type.get().read(spec, out, ctx).isEmpty()) {
          failing.add(rec.name() + " (" + url + ")");
        }
      } catch (RuntimeException e) {
        failing.add(rec.name() + " (" + url + "): " + e.getMessage());
      }
    }
    return failing;
  }

  private static Object field(Object out, String name) {
    for (RecordComponent c : out.getClass().getRecordComponents()) {
      if (c.getName().equals(name)) {
        try {
          c.getAccessor().setAccessible(true);
          return c.getAccessor().invoke(out);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read output field " + name, e);
        }
      }
    }
    return null;
  }
}
