package dev.tenantwright.plugin.traefik;

import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.ProgressReporter;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.TenantInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A step context for calling a resource type directly in tests: fixed tenant, environment and resource, a
 * marker per run, a fake clock that {@link #pause} advances instead of sleeping, and the plugin config given.
 */
final class TestContext implements StepContext {

  private final String tenant;
  private final String environment;
  private final String resource;
  private final String run;
  private final Object config;
  private final CommandRunner runner;
  private final Instant start = Instant.parse("2026-01-01T00:00:00Z");
  private Duration elapsed = Duration.ZERO;
  private final Duration budget;
  final List<Duration> pauses = new CopyOnWriteArrayList<>();
  final List<String> progress = new CopyOnWriteArrayList<>();

  TestContext(String tenant, String environment, String resource, String run, Object config, CommandRunner runner,
      Duration budget) {
    this.tenant = tenant;
    this.environment = environment;
    this.resource = resource;
    this.run = run;
    this.config = config;
    this.runner = runner;
    this.budget = budget;
  }

  static TestContext of(Object config, CommandRunner runner) {
    return new TestContext("acme", "demo", "route", "run1", config, runner, Duration.ofMinutes(10));
  }

  /** The same resource in another run (a different marker that still belongs here). */
  TestContext inRun(String otherRun) {
    return new TestContext(tenant, environment, resource, otherRun, config, runner, budget);
  }

  /** Another resource of another tenant (its marker does not belong here). */
  TestContext forTenant(String otherTenant) {
    return new TestContext(otherTenant, environment, resource, run, config, runner, budget);
  }

  TestContext withConfig(Object otherConfig) {
    return new TestContext(tenant, environment, resource, run, otherConfig, runner, budget);
  }

  TestContext withResource(String otherResource) {
    return new TestContext(tenant, environment, otherResource, run, config, runner, budget);
  }

  @Override
  public TenantInfo tenant() {
    return new TenantInfo(tenant, "Acme", "ops@acme.example", "starter", Map.of());
  }

  @Override
  public EnvironmentInfo environment() {
    return new EnvironmentInfo(tenant, environment, EnvironmentKind.DEMO);
  }

  @Override
  public String runId() {
    return run;
  }

  @Override
  public String stepName() {
    return resource;
  }

  @Override
  public String idempotencyKey() {
    return run + "/" + resource;
  }

  @Override
  public String resourceName() {
    return tenant + "-" + environment + "-" + resource;
  }

  @Override
  public String ownershipMarker() {
    return prefix() + Integer.toHexString(idempotencyKey().hashCode());
  }

  private String prefix() {
    return "tw:" + tenant + "/" + environment + "/" + resource + "@";
  }

  @Override
  public boolean belongsHere(String markerFound) {
    return markerFound != null && markerFound.startsWith(prefix());
  }

  @Override
  public boolean isOurs(String markerFound) {
    return ownershipMarker().equals(markerFound);
  }

  @Override
  public int attempt() {
    return 1;
  }

  @Override
  public Instant deadline() {
    return start.plus(budget);
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public synchronized void pause(Duration duration) {
    if (!clock().instant().isBefore(deadline())) {
      throw new RetryableException("passed its deadline", null, false, null);
    }
    pauses.add(duration);
    elapsed = elapsed.plus(duration);
  }

  @Override
  public synchronized Clock clock() {
    return Clock.fixed(start.plus(elapsed), ZoneOffset.UTC);
  }

  @Override
  public ProgressReporter progress() {
    return (percent, message) -> progress.add(percent + "% " + message);
  }

  @Override
  public Optional<Secret> secret(String name) {
    return Optional.empty();
  }

  @Override
  public CommandRunner commands() {
    return runner;
  }

  @Override
  public <C> C config(Class<C> type) {
    return type.cast(config);
  }

  List<String> progressMessages() {
    return new ArrayList<>(progress);
  }
}
