package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.EngineHealth;
import dev.tenantwright.core.internal.journal.Journal;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes {@link EngineHealth} snapshots: one read of the journal's run counts, and any failure of that read reported
 * as an unreachable journal rather than thrown, since a health check must always get an answer. Thread-safe.
 */
final class HealthProbe {

  private static final Logger LOG = LoggerFactory.getLogger(HealthProbe.class);

  private final Journal journal;
  private final Clock clock;

  HealthProbe(Journal journal, Clock clock) {
    this.journal = journal;
    this.clock = clock;
  }

  EngineHealth check() {
    Instant now = clock.instant();
    try {
      Journal.HealthCounts counts = journal.healthCounts(now.toEpochMilli());
      return new EngineHealth(true, counts.awaitingTakeover(), counts.stalled() + counts.failedUnresolved(), null,
          now);
    } catch (RuntimeException e) {
      LOG.debug("health check: the journal did not answer", e);
      String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName() : e.getMessage();
      return new EngineHealth(false, 0, 0, message, now);
    }
  }
}
