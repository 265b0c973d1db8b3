package dev.tenantwright.core.internal.types;

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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/**
 * A {@link StepContext} for unit tests: its clock only moves when the step pauses, so waiting costs no wall
 * time, and it records every pause and progress report.
 */
public final class StepContextFake implements StepContext {

  /** A clock that stands still until advanced. */
  public static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** One progress report. */
  public record Report(int percent, String message) {}

  private final TenantInfo tenant;
  private final EnvironmentInfo environment;
  private final String stepName;
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final Instant deadline;
  private final List<Duration> pauses = new CopyOnWriteArrayList<>();
  private final List<Report> reports = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;
  private volatile IntConsumer onPause = n -> { };

  private StepContextFake(String tenantId, String environmentName, String stepName, Duration deadlineIn) {
    this.tenant = new TenantInfo(tenantId, "ACME Corp", "ops@acme.example", "starter", Map.of());
    this.environment = new EnvironmentInfo(tenantId, environmentName, EnvironmentKind.DEMO);
    this.stepName = stepName;
    this.deadline = clock.instant().plus(deadlineIn);
  }

  /** A context for step {@code web} of {@code acme/demo} with a one-hour deadline. */
  public static StepContextFake create() {
    return new StepContextFake("acme", "demo", "web", Duration.ofHours(1));
  }

  /** A context for the given step of the given tenant and environment, with a one-hour deadline. */
  public static StepContextFake create(String tenantId, String environmentName, String stepName) {
    return new StepContextFake(tenantId, environmentName, stepName, Duration.ofHours(1));
  }

  /** A context whose deadline is {@code in} from now. */
  public static StepContextFake withDeadlineIn(Duration in) {
    return new StepContextFake("acme", "demo", "web", in);
  }

  /** Every pause the step asked for, in order. */
  public List<Duration> pauses() {
    return List.copyOf(pauses);
  }

  /** Every progress report, in order. */
  public List<Report> reports() {
    return List.copyOf(reports);
  }

  /**
   * Runs {@code action} each time the step pauses, with the pause's 1-based number, before the clock moves: a test
   * can change the world between a step's tries.
   */
  public StepContextFake onPause(IntConsumer action) {
    this.onPause = action;
    return this;
  }

  /** Cancels the run. */
  public void cancel() {
    cancelled = true;
  }

  /** How much fake time has passed. */
  public Duration elapsed() {
    return Duration.between(Instant.parse("2030-01-01T00:00:00Z"), clock.instant());
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
    return "run-1";
  }

  @Override
  public String stepName() {
    return stepName;
  }

  @Override
  public String idempotencyKey() {
    return "run-1/" + stepName;
  }

  @Override
  public String resourceName() {
    return tenant.id() + "-" + environment.name() + "-" + stepName;
  }

  @Override
  public String backendNamePrefix() {
    return tenant.id() + "-" + environment.name() + "-";
  }

  @Override
  public String ownershipMarker() {
    return "tw:" + tenant.id() + "/" + environment.name() + "/" + stepName + "@run-1";
  }

  @Override
  public boolean belongsHere(String markerFound) {
    return markerFound != null
        && markerFound.startsWith("tw:" + tenant.id() + "/" + environment.name() + "/" + stepName + "@");
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
    return cancelled;
  }

  @Override
  public void pause(Duration duration) {
    checkCancelled();
    pauses.add(duration);
    onPause.accept(pauses.size());
    Instant until = clock.instant().plus(duration);
    if (until.isAfter(deadline)) {
      clock.advance(Duration.between(clock.instant(), deadline));
      throw new RetryableException("deadline passed while pausing");
    }
    clock.advance(duration);
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public ProgressReporter progress() {
    return (percent, message) -> reports.add(new Report(percent, message));
  }

  @Override
  public Optional<Secret> secret(String name) {
    return Optional.empty();
  }

  @Override
  public CommandRunner commands() {
    throw new UnsupportedOperationException("no commands in this test");
  }

  @Override
  public <C> C config(Class<C> type) {
    throw new UnsupportedOperationException("no config in this test");
  }
}
