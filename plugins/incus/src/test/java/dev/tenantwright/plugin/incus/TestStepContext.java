package dev.tenantwright.plugin.incus;

import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.ProgressReporter;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.TenantInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link StepContext} for calling the resource type directly, with the engine's naming and marker rules:
 * resource name {@code <tenant>-<environment>-<resource>}, marker {@code tw:<tenant>/<env>/<resource>@<hash of
 * the idempotency key>}.
 *
 * <p>With {@link #ticking()} the clock advances a little on every read and {@code pause} advances it instead of
 * waiting, so deadlines are reached deterministically without real time passing; the default uses the system
 * clock and {@code pause} really waits (for integration tests against a real daemon).
 */
class TestStepContext implements StepContext {

  final String tenant;
  final String environment;
  final String resource;
  final String runId;
  final IncusConfig config;
  final List<String> progress = new CopyOnWriteArrayList<>();
  private final Clock clock;
  private final Instant deadline;
  private final CountDownLatch cancelled = new CountDownLatch(1);

  TestStepContext(String tenant, String environment, String resource, String runId, IncusConfig config, Clock clock,
      Duration timeout) {
    this.tenant = tenant;
    this.environment = environment;
    this.resource = resource;
    this.runId = runId;
    this.config = config;
    this.clock = clock;
    this.deadline = clock.instant().plus(timeout);
  }

  /** A context for resource {@code erp} of tenant {@code acme}'s demo, run {@code run1}, one minute to go. */
  static TestStepContext of(IncusConfig config) {
    return new TestStepContext("acme", "demo", "erp", "run1", config, Clock.systemUTC(), Duration.ofMinutes(1));
  }

  /** The same resource in another run: its objects belong here but are not "ours". */
  TestStepContext anotherRun() {
    return new TestStepContext(tenant, environment, resource, runId + "-other", config, clock, Duration.ofMinutes(1));
  }

  /** The same step with a ticking fake clock and the given time budget. */
  TestStepContext ticking(Duration timeout) {
    return new TestStepContext(tenant, environment, resource, runId, config, new TickingClock(), timeout);
  }

  /** The same step against another configuration. */
  TestStepContext with(IncusConfig other) {
    return new TestStepContext(tenant, environment, resource, runId, other, clock, Duration.ofMinutes(1));
  }

  @Override
  public TenantInfo tenant() {
    return new TenantInfo(tenant, "ACME Corporation", "ops@acme.example", "standard", Map.of());
  }

  @Override
  public EnvironmentInfo environment() {
    return new EnvironmentInfo(tenant, environment, EnvironmentKind.DEMO);
  }

  @Override
  public String runId() {
    return runId;
  }

  @Override
  public String stepName() {
    return resource;
  }

  @Override
  public String idempotencyKey() {
    return runId + ":" + resource;
  }

  @Override
  public String resourceName() {
    return tenant + "-" + environment + "-" + resource;
  }

  @Override
  public String ownershipMarker() {
    return prefix() + hash(idempotencyKey());
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
    return deadline;
  }

  @Override
  public boolean isCancelled() {
    return cancelled.getCount() == 0;
  }

  @Override
  public void pause(Duration duration) {
    Duration capped = duration.compareTo(remaining()) > 0 ? remaining() : duration;
    if (clock instanceof TickingClock t) {
      t.advance(capped);
    } else {
      try {
        cancelled.await(capped.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    checkCancelled();
    if (!clock.instant().isBefore(deadline)) {
      throw new RetryableException("deadline passed while pausing");
    }
  }

  @Override
  public Clock clock() {
    return clock;
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
    throw new UnsupportedOperationException("the Incus plugin runs no local commands");
  }

  @Override
  public <C> C config(Class<C> type) {
    return type.cast(config);
  }

  private String prefix() {
    return "tw:" + tenant + "/" + environment + "/" + resource + "@";
  }

  private static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A clock that moves 50 ms on every read, and further when told. */
  static final class TickingClock extends Clock {
    private final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.addAndGet(50));
    }
  }
}
