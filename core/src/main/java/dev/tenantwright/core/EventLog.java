package dev.tenantwright.core;

import java.util.List;

/**
 * The journal's events with their ids, for readers that follow them from outside the engine that wrote them: a
 * stream that resumes after a reconnect ({@code Last-Event-ID}), a node of a cluster relaying what another node's
 * engine does. Ids grow in commit order for every reader of the same journal; an id is never reused.
 *
 * <p>Every engine on one journal sees every other engine's events here, which in-process {@link Listener}s do not.
 * Reads are bounded by {@code limit}; a reader pages by passing the last id it got.
 */
public interface EventLog {

  /**
   * Events of every tenant with an id above {@code afterId}, oldest first. Stops before an id that a transaction
   * may still commit (an id below a newer event that is not visible yet), so a reader that continues from the last
   * id it got misses nothing; an id left by a transaction that rolled back is passed over after a few seconds.
   */
  List<LoggedEvent> after(long afterId, int limit);

  /** The id of the newest event in the journal, 0 when there is none: where a reader of what comes next starts. */
  long lastId();

  /** A tenant's events with {@code afterId < id <= upToId}, oldest first: catching a reader up to a known point. */
  List<LoggedEvent> ofTenant(String tenantId, long afterId, long upToId, int limit);

  /** A run's events with {@code afterId < id <= upToId}, oldest first. */
  List<LoggedEvent> ofRun(String runId, long afterId, long upToId, int limit);

  /** An event and the id the journal gave it. */
  record LoggedEvent(long id, Event event) {}
}
