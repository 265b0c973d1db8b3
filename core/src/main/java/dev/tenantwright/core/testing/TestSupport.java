package dev.tenantwright.core.testing;

import dev.tenantwright.core.internal.blueprint.Interpolator;
import dev.tenantwright.core.internal.blueprint.Resolver;
import dev.tenantwright.core.internal.commands.ProcessCommandRunner;
import dev.tenantwright.core.internal.commands.ShellStrings;
import dev.tenantwright.core.internal.engine.EngineStepContext;
import dev.tenantwright.core.internal.engine.Naming;
import dev.tenantwright.core.internal.engine.StepCheckpoints;
import dev.tenantwright.core.internal.journal.Database;
import dev.tenantwright.core.internal.json.Json;
import dev.tenantwright.core.internal.plugins.PluginConfigs;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.TenantInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * What a test kit needs from core to run plugins as the engine would, as static methods over core's own rules —
 * so that a kit's names, markers, bindings and contexts can never drift from the engine's.
 *
 * <p>Stateless; thread-safe. Each method says which engine rule it applies.
 */
public final class TestSupport {

  private TestSupport() {}

  // ------------------------------------------------------------------------------------------ names and markers

  /** The backend name the engine gives a resource of a tenant's environment (what {@code resourceName()} returns). */
  public static String resourceName(String tenantId, String environment, String resource) {
    return Naming.resourceName(tenantId, environment, resource);
  }

  /** The prefix every backend name of a tenant's environment starts with ({@code backendNamePrefix()}). */
  public static String backendNamePrefix(String tenantId, String environment) {
    return Naming.prefix(tenantId, environment, Naming.CURRENT);
  }

  /**
   * The ownership marker the engine's context hands a step of a resource, for an idempotency key:
   * {@code tw:<tenant>/<environment>/<resource>@<hash of the key>}.
   */
  public static String ownershipMarker(String tenantId, String environment, String resource, String idempotencyKey) {
    return markerPrefix(tenantId, environment, resource) + "@" + Naming.hash(idempotencyKey, 12);
  }

  /** The part of every marker of a resource that does not depend on the run: what {@code belongsHere} accepts. */
  public static String markerPrefix(String tenantId, String environment, String resource) {
    return "tw:" + tenantId + "/" + environment + "/" + resource;
  }

  /** A new run id in the engine's form. */
  public static String newRunId() {
    return Naming.runId();
  }

  /**
   * Checks a checkpoint's name by the engine's rules and returns it.
   *
   * @throws IllegalArgumentException as the engine's context would
   */
  public static String checkCheckpointName(String name) {
    return StepCheckpoints.checkName(name);
  }

  /**
   * Checks a checkpoint's value by the engine's rules (not null, bounded, plain text) and returns it.
   *
   * @throws IllegalArgumentException as the engine's context would
   */
  public static String checkCheckpointValue(String name, String value) {
    return StepCheckpoints.checkValue(name, value);
  }

  // ------------------------------------------------------------------------------------------ binding

  /**
   * Resolves {@code params} as a blueprint's would be for a tenant's {@code demo}-like environment — {@code
   * ${tenant.*}}, {@code ${env.name}}, {@code ${secrets.NAME}} through {@code secrets}; other references resolve to
   * null — and binds the result to {@code specType} with the engine's mapper (its duration grammar, secrets, unknown
   * fields refused).
   */
  public static <S> S bindSpec(Map<String, Object> params, Class<S> specType, TenantInfo tenant, String environment,
      Function<String, Secret> secrets) {
    Object resolved = Interpolator.resolve(params, new Resolver() {
      @Override
      public Object tenant(String field) {
        return Resolver.tenantField(tenant, field);
      }

      @Override
      public Object env(String field) {
        return environment;
      }

      @Override
      public Object var(String name) {
        return null;
      }

      @Override
      public Secret secret(String name) {
        return secrets.apply(name);
      }

      @Override
      public Object output(String resource, String field) {
        return null;
      }
    });
    return Json.bindingMapper().convertValue(resolved, specType);
  }

  /** Binds plugin configuration sections as the engine does for {@code StepContext.config(Class)}. */
  public interface ConfigBinder {
    /**
     * The section of {@code backend} bound to {@code type}.
     *
     * @throws dev.tenantwright.spi.PermanentException naming the section and field when it does not bind
     */
    <C> C bind(String backend, Class<C> type);
  }

  /** A binder over {@code sections} (backend name to settings), caching each binding as the engine does. */
  public static ConfigBinder configBinder(Map<String, ? extends Map<String, ?>> sections) {
    PluginConfigs configs = new PluginConfigs(sections);
    return configs::bind;
  }

  // ------------------------------------------------------------------------------------------ contexts and processes

  /**
   * A step context built by the engine's own implementation, for a step run outside an engine (no step slot, no
   * journal: checkpoints are not kept).
   *
   * @param secrets the host secrets the context offers by name
   * @param pluginConfig the host's plugin configuration sections
   */
  public static StepContext engineStepContext(TenantInfo tenant, EnvironmentInfo environment, String runId,
      String stepName, String backend, int attempt, Instant deadline, Clock clock, BooleanSupplier cancelled,
      Function<String, Optional<Secret>> secrets, CommandRunner commands,
      Map<String, ? extends Map<String, ?>> pluginConfig) {
    return new EngineStepContext(tenant, environment, runId, stepName, backend, attempt, deadline, clock, cancelled,
        (pct, msg) -> {}, secrets, Objects.requireNonNull(commands, "commands"), new PluginConfigs(pluginConfig));
  }

  /** The engine's real process runner (argv only, never a shell; bounded output; secrets on stdin). */
  public static CommandRunner processRunner() {
    return new ProcessCommandRunner();
  }

  /** Why the engine's runner refuses {@code argv} (a shell running a string it builds), or null when it runs it. */
  public static String shellRefusal(List<String> argv) {
    return ShellStrings.refusal(argv);
  }

  /** Whether {@code script} only reads its arguments from standard input, as the runner's shell rule allows. */
  public static boolean isStdinArgumentScript(String script) {
    return ShellStrings.isStdinArgumentScript(script);
  }

  // ------------------------------------------------------------------------------------------ journal

  /**
   * Every row of every table of the embedded journal in {@code embeddedDir}, as text — for asserting that a value
   * (a secret) appears nowhere in it. The journal may be open in this JVM (H2 shares the file between connections).
   */
  public static String embeddedJournalText(Path embeddedDir) {
    return Database.dumpEmbedded(embeddedDir);
  }
}
