package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.internal.plugins.PluginConfigs;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.ProgressReporter;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.TenantInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The {@link StepContext} the engine hands one attempt of one step. Valid only during that call.
 *
 * <p>Public (but internal) so that the test kit can call a resource type exactly as the engine would.
 */
public final class EngineStepContext implements StepContext {

  private final TenantInfo tenant;
  private final EnvironmentInfo environment;
  private final String runId;
  private final String stepName;
  private final String backend;
  private final int attempt;
  private final Instant deadline;
  private final Clock clock;
  private final BooleanSupplier cancelled;
  private final ProgressReporter progress;
  private final Function<String, Optional<Secret>> secrets;
  private final CommandRunner commands;
  private final PluginConfigs configs;
  private final int naming;
  private final StepThreads.Waiting waiting;
  private final StepCheckpoints checkpoints;
  private final Map<String, String> traceHeaders;

  /**
   * A context for an environment whose resources are named with the current scheme, outside a run's step: its
   * checkpoints throw {@link UnsupportedOperationException} (only the engine's step contexts journal them).
   */
  public EngineStepContext(TenantInfo tenant, EnvironmentInfo environment, String runId, String stepName,
      String backend, int attempt, Instant deadline, Clock clock, BooleanSupplier cancelled, ProgressReporter progress,
      Function<String, Optional<Secret>> secrets, CommandRunner commands, PluginConfigs configs) {
    this(tenant, environment, runId, stepName, backend, attempt, deadline, clock, cancelled, progress, secrets, commands,
        configs, Naming.CURRENT);
  }

  /** A context whose resource names follow {@code naming} (see {@link Naming}), outside the engine's step slots. */
  public EngineStepContext(TenantInfo tenant, EnvironmentInfo environment, String runId, String stepName, String backend,
      int attempt, Instant deadline, Clock clock, BooleanSupplier cancelled, ProgressReporter progress,
      Function<String, Optional<Secret>> secrets, CommandRunner commands, PluginConfigs configs, int naming) {
    this(tenant, environment, runId, stepName, backend, attempt, deadline, clock, cancelled, progress, secrets, commands,
        configs, naming, StepThreads.Waiting.NONE, StepCheckpoints.NONE, Map.of());
  }

  /**
   * A context of a step that holds one of the engine's running slots, which it leaves while it pauses, records
   * its checkpoints through {@code checkpoints} and passes {@code traceHeaders} on to its backend (its
   * {@code commands} already put them in every process's environment).
   */
  EngineStepContext(TenantInfo tenant, EnvironmentInfo environment, String runId, String stepName, String backend,
      int attempt, Instant deadline, Clock clock, BooleanSupplier cancelled, ProgressReporter progress,
      Function<String, Optional<Secret>> secrets, CommandRunner commands, PluginConfigs configs, int naming,
      StepThreads.Waiting waiting, StepCheckpoints checkpoints, Map<String, String> traceHeaders) {
    this.tenant = tenant;
    this.environment = environment;
    this.runId = runId;
    this.stepName = stepName;
    this.backend = backend;
    this.attempt = attempt;
    this.deadline = deadline;
    this.clock = clock;
    this.cancelled = cancelled;
    this.progress = progress;
    this.secrets = secrets;
    this.commands = commands;
    this.configs = configs;
    this.naming = naming;
    this.waiting = waiting;
    this.checkpoints = checkpoints;
    this.traceHeaders = Map.copyOf(traceHeaders);
  }

  @Override
  public TenantInfo tenant() {
    return tenant;
  }

  @Override
  public EnvironmentInfo environment() {
    return environment;
  }

  @Override
  public String runId() {
    return runId;
  }

  @Override
  public String stepName() {
    return stepName;
  }

  @Override
  public String idempotencyKey() {
    return "tw-" + runId + "-" + stepName;
  }

  @Override
  public String resourceName() {
    return Naming.resourceName(tenant.id(), environment.name(), stepName, naming);
  }

  @Override
  public String backendNamePrefix() {
    return Naming.prefix(tenant.id(), environment.name(), naming);
  }

  @Override
  public String ownershipMarker() {
    return markerPrefix() + "@" + Naming.hash(idempotencyKey(), 12);
  }

  @Override
  public boolean belongsHere(String markerFound) {
    return markerFound != null && (markerFound.equals(markerPrefix()) || markerFound.startsWith(markerPrefix() + "@"));
  }

  @Override
  public boolean isOurs(String markerFound) {
    return ownershipMarker().equals(markerFound);
  }

  private String markerPrefix() {
    return "tw:" + tenant.id() + "/" + environment.name() + "/" + stepName;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public Instant deadline() {
    return deadline;
  }

  @Override
  public boolean isCancelled() {
    return cancelled.getAsBoolean() || Thread.currentThread().isInterrupted();
  }

  @Override
  public void pause(Duration duration) {
    checkCancelled();
    Duration left = remaining();
    if (left.isZero()) {
      throw new RetryableException("step '" + stepName + "' passed its deadline", null, false, null);
    }
    Duration wait = duration.compareTo(left) > 0 ? left : duration;
    waiting.leave();
    try {
      Thread.sleep(Math.max(0, wait.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("step '" + stepName + "' was interrupted");
    } finally {
      waiting.reenter();
    }
    checkCancelled();
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public ProgressReporter progress() {
    return progress;
  }

  @Override
  public Optional<Secret> secret(String name) {
    return secrets.apply(name);
  }

  @Override
  public CommandRunner commands() {
    return commands;
  }

  @Override
  public <C> C config(Class<C> type) {
    return configs.bind(backend, type);
  }

  @Override
  public void checkpoint(String name, String value) {
    checkpoints.record(StepCheckpoints.checkName(name), StepCheckpoints.checkValue(name, value));
  }

  @Override
  public Optional<String> checkpoint(String name) {
    return checkpoints.read(StepCheckpoints.checkName(name));
  }

  @Override
  public Map<String, String> traceHeaders() {
    return traceHeaders;
  }
}
