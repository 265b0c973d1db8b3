package dev.tenantwright.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Follows a run's event stream ({@code GET /runs/{id}/events}) to the run's end, through dropped connections: a
 * stream that fails, stays silent longer than the idle time, or ends before the run's final event is opened
 * again with {@code Last-Event-ID} set to the last event received, so nothing is shown twice or missed. A
 * {@code 204} on such a reconnect means the run is over and nothing followed that event.
 *
 * <p>Gives up after {@code attempts} reconnects in a row that bring no event, waiting twice as long before each
 * (from {@code backoff}, at most 10 s); a server that cannot be reached for the very first stream is reported at
 * once, as there is nothing to resume. Not thread-safe; one follow at a time.
 */
public final class RunFollower {

  /** The events that end a run's stream (the server closes it after one of them). */
  static final Set<String> RUN_ENDS = Set.of("RUN_SUCCEEDED", "RUN_ROLLED_BACK", "RUN_FAILED");
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** What a follow reports as it goes. */
  public interface Listener {
    /** An event of the run, parsed from the stream's JSON data. */
    void event(JsonNode event);

    /** The stream was lost and is opened again after {@code afterId}. */
    void reconnecting(long afterId, int attempt, int attempts, String why);
  }

  /** How the follow ended: the run as the server has it now, and the id of the last event received. */
  public record Outcome(JsonNode run, long lastEventId) {

    /** Whether the run ended SUCCEEDED. */
    public boolean succeeded() {
      return "SUCCEEDED".equals(Json.text(run, "state"));
    }
  }

  private final ApiClient api;
  private final Duration idle;
  private final int attempts;
  private final Duration backoff;

  /**
   * @param idle how long a stream may stay silent before it counts as dropped (the server's keep-alive comes
   *     every 15 s)
   * @param attempts reconnects in a row without an event before giving up
   * @param backoff the wait before the first reconnect; doubled for each further one
   */
  public RunFollower(ApiClient api, Duration idle, int attempts, Duration backoff) {
    this.api = api;
    this.idle = idle;
    this.attempts = attempts;
    this.backoff = backoff;
  }

  /** A follower with the defaults: 45 s idle time, 5 reconnects from 0.5 s apart. */
  public static RunFollower withDefaults(ApiClient api) {
    return new RunFollower(api, Duration.ofSeconds(45), 5, Duration.ofMillis(500));
  }

  /**
   * Follows the run from after event {@code afterId} (0: from its start) to its end.
   *
   * @throws ApiProblemException when the server refuses (no such run, the token may not read it)
   * @throws ServerUnreachableException when the stream could not be opened again within the attempts
   */
  public Outcome follow(String runId, long afterId, Listener listener) {
    String path = ApiClient.path("runs", runId, "events");
    long last = afterId;
    int failures = 0;
    boolean reached = false;
    while (true) {
      String why;
      try {
        Optional<EventStream> opened = api.events(path, last, idle);
        reached = true;
        if (opened.isEmpty()) {
          return new Outcome(finishedRun(runId), last);
        }
        try (EventStream stream = opened.get()) {
          for (SseEvent e; (e = stream.next()) != null; ) {
            failures = 0;
            last = idOf(e, last);
            JsonNode event = Json.parseOrNull(e.data());
            if (event == null || !event.isObject()) {
              continue;
            }
            listener.event(event);
            if (RUN_ENDS.contains(Json.text(event, "type"))) {
              return new Outcome(finishedRun(runId), last);
            }
          }
          why = "the server ended the stream before the run ended";
        }
      } catch (IOException e) {
        why = ApiClient.describe(e);
      } catch (ServerUnreachableException e) {
        if (!reached) {
          throw e;
        }
        why = e.getMessage();
      } catch (ApiProblemException e) {
        if (!e.transientFailure()) {
          throw e;
        }
        reached = true;
        why = e.oneLine();
      }
      failures++;
      if (failures > attempts) {
        throw new ServerUnreachableException("lost the event stream of run " + runId + " and could not resume it"
            + " after " + attempts + " attempts: " + why, null);
      }
      listener.reconnecting(last, failures, attempts, why);
      pause(failures);
    }
  }

  private static long idOf(SseEvent e, long previous) {
    if (e.id() == null) {
      return previous;
    }
    try {
      return Long.parseLong(e.id().trim());
    } catch (NumberFormatException notAJournalId) {
      return previous;
    }
  }

  /** The run as the server has it after its end; read again for up to two seconds while it does not read finished. */
  private JsonNode finishedRun(String runId) {
    String path = ApiClient.path("runs", runId);
    JsonNode run = api.get(path).json();
    for (int i = 0; i < 20 && !run.path("finished").asBoolean(false); i++) {
      sleep(Duration.ofMillis(100));
      run = api.get(path).json();
    }
    return run;
  }

  private void pause(int failures) {
    long millis = backoff.toMillis() << Math.min(failures - 1, 16);
    sleep(Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis())));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerUnreachableException("interrupted while following the run", e);
    }
  }
}
