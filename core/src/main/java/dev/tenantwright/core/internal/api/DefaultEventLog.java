package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.EventLog;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link EventLog} over the journal's event table. An event id is taken when its row is inserted, but becomes
 * visible when its transaction commits, so a higher id can be read before a lower one exists: {@link #after}
 * stops before such a gap until the event after it is older than {@code gapGrace} (by then the missing id
 * belongs to a transaction that rolled back), as the status webhook relay does.
 */
public final class DefaultEventLog implements EventLog {

  private static final int MAX_LIMIT = 10_000;

  private final Journal journal;
  private final Clock clock;
  private final Duration gapGrace;

  public DefaultEventLog(Journal journal, Clock clock, Duration gapGrace) {
    this.journal = journal;
    this.clock = clock;
    this.gapGrace = gapGrace;
  }

  @Override
  public List<LoggedEvent> after(long afterId, int limit) {
    List<EventRecord> rows = journal.eventsAfter(afterId, checked(limit));
    long now = clock.millis();
    long taken = afterId;
    List<LoggedEvent> out = new ArrayList<>(rows.size());
    for (EventRecord r : rows) {
      if (r.id() != taken + 1 && now - r.at() < gapGrace.toMillis()) {
        break; // an id below this one may belong to a transaction that has not committed yet
      }
      out.add(new LoggedEvent(r.id(), Events.of(r)));
      taken = r.id();
    }
    return out;
  }

  @Override
  public long lastId() {
    return journal.lastEventId();
  }

  @Override
  public List<LoggedEvent> ofTenant(String tenantId, long afterId, long upToId, int limit) {
    return logged(journal.tenantEventsBetween(tenantId, afterId, upToId, checked(limit)));
  }

  @Override
  public List<LoggedEvent> ofRun(String runId, long afterId, long upToId, int limit) {
    return logged(journal.runEventsBetween(runId, afterId, upToId, checked(limit)));
  }

  private static List<LoggedEvent> logged(List<EventRecord> rows) {
    return rows.stream().map(r -> new LoggedEvent(r.id(), Events.of(r))).toList();
  }

  private static int checked(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationException("limit", "must be between 1 and " + MAX_LIMIT + ", was " + limit);
    }
    return limit;
  }
}
