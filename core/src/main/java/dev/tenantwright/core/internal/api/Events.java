package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.Event;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import java.time.Instant;

/** Turns journal event rows into public events. */
final class Events {

  private Events() {}

  static Event of(EventRecord r) {
    String env = r.environmentId() == null ? null : r.environmentId().substring(r.environmentId().indexOf('/') + 1);
    return new Event(r.type(), r.tenantId(), env, r.runId(), r.step(), r.stepIndex(), r.stepCount(), r.percent(),
        r.message(), r.actor(), Instant.ofEpochMilli(r.at()));
  }
}
