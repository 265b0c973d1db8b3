package dev.tenantwright.plugin.frappe;

import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.ProgressReporter;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.TenantInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A step context for calling the type directly, with the engine's naming and marker rules. */
public final class TestContext implements StepContext {

  private final FrappeConfig config;
  private final CommandRunner runner;
  private final String tenant;
  private final String runId;
  private final int attempt;
  /** Progress messages reported so far. */
  public final List<String> progress = new CopyOnWriteArrayList<>();

  /** A context for step {@code site} of tenant {@code tenant}'s demo environment in run {@code runId}. */
  public TestContext(FrappeConfig config, CommandRunner runner, String tenant, String runId, int attempt) {
    this.config = config;
    this.runner = runner;
    this.tenant = tenant;
    this.runId = runId;
    this.attempt = attempt;
  }

  /** The same step in another run (a marker that belongs here but is not ours). */
  public TestContext inRun(String otherRun) {
    return new TestContext(config, runner, tenant, otherRun, 1);
  }

  @Override
  public TenantInfo tenant() {
    return new TenantInfo(tenant, "Tenant " + tenant, tenant + "@example.test", "default", Map.of());
  }

  @Override
  public EnvironmentInfo environment() {
    return new EnvironmentInfo(tenant, "demo", EnvironmentKind.DEMO);
  }

  @Override
  public String runId() {
    return runId;
  }

  @Override
  public String stepName() {
    return "site";
  }

  @Override
  public String idempotencyKey() {
    return runId + "/site";
  }

  @Override
  public String resourceName() {
    return tenant + "-demo-site";
  }

  @Override
  public String ownershipMarker() {
    return prefix() + "@" + hash(idempotencyKey());
  }

  @Override
  public boolean belongsHere(String markerFound) {
    return markerFound != null && (markerFound.equals(prefix()) || markerFound.startsWith(prefix() + "@"));
  }

  @Override
  public boolean isOurs(String markerFound) {
    return ownershipMarker().equals(markerFound);
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public Instant deadline() {
    return Instant.now().plus(Duration.ofMinutes(10));
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void pause(Duration duration) {
    throw new UnsupportedOperationException("the frappe type never pauses");
  }

  @Override
  public Clock clock() {
    return Clock.systemUTC();
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

  private String prefix() {
    return "tw:" + tenant + "/demo/site";
  }

  private static String hash(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 12);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
