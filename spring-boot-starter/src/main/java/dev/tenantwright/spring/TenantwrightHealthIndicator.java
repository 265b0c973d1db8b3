package dev.tenantwright.spring;

import dev.tenantwright.core.EngineHealth;
import dev.tenantwright.core.Tenantwright;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code tenantwright} component of the application's health: UP while the journal answers, with the runs
 * awaiting takeover and the runs needing attention as details; DOWN, with the journal's error, when it does not.
 *
 * <p>The counts are reported, not judged: a run that needs an operator does not make the application unhealthy (a
 * load balancer would only take a working node out of service), so alert on {@code runsNeedingAttention} instead. See
 * {@link EngineHealth} for what each count means. Each call reads the journal once ({@link Tenantwright#health()});
 * thread-safe.
 */
public class TenantwrightHealthIndicator implements HealthIndicator {

  private final Tenantwright tenantwright;

  /** An indicator of {@code tenantwright}'s journal. */
  public TenantwrightHealthIndicator(Tenantwright tenantwright) {
    this.tenantwright = Objects.requireNonNull(tenantwright, "tenantwright");
  }

  @Override
  public Health health() {
    EngineHealth health = tenantwright.health();
    if (!health.journalReachable()) {
      // the counts are unknown, not zero: leave them out
      return Health.down().withDetail("journalError", health.journalError()).build();
    }
    return Health.up()
        .withDetail("runsAwaitingTakeover", health.runsAwaitingTakeover())
        .withDetail("runsNeedingAttention", health.runsNeedingAttention())
        .build();
  }
}
