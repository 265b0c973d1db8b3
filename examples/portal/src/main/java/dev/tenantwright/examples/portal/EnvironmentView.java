package dev.tenantwright.examples.portal;

import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.EnvironmentStatus;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenantwright;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What the provisioning page shows of one environment, from {@code environments().status(...)}, the events of
 * its last run and its resources: the server renders it into the first page and sends it as the
 * {@code environment} server-sent event when a page connects and whenever a run starts or ends.
 *
 * @param name the environment name
 * @param kind {@code DEMO}, {@code LIVE} or {@code TEST}
 * @param state the environment state
 * @param label the state in words, e.g. {@code Rolling back}
 * @param runId the active or last run, or null
 * @param runState that run's state, or null
 * @param finished whether that run is over (its events are history)
 * @param percent the run's completion
 * @param step where the run is, e.g. {@code Step 3 of 5 · site}, or where it failed; empty when unknown
 * @param message the run's latest message, or what its end means for the person
 * @param log the run's latest messages, oldest first, at most {@value #LOG_LINES}
 * @param error the last error, or null
 * @param canRetry whether the Retry button is offered
 * @param retriesLeft how many retries the engine still allows
 * @param links the environment's web addresses (resource outputs), when it is ready
 * @param retryUrl where the Retry form posts
 * @param statusUrl the status JSON of the environment
 */
record EnvironmentView(
    String name, String kind, String state, String label, String runId, String runState, boolean finished,
    int percent, String step, String message, List<String> log, String error, boolean canRetry, int retriesLeft,
    List<Link> links, String retryUrl, String statusUrl) {

  static final int LOG_LINES = 6;
  private static final Set<EventType> ROLLBACK = EnumSet.of(EventType.STEP_COMPENSATING,
      EventType.STEP_COMPENSATED, EventType.STEP_COMPENSATION_FAILED);
  private static final Set<EventType> ENDS = EnumSet.of(EventType.RUN_SUCCEEDED, EventType.RUN_ROLLED_BACK,
      EventType.RUN_FAILED);
  private static final Pattern HOST_NAME =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");

  /** A web address of the environment: the resource it comes from and the URL. */
  record Link(String resource, String url) {}

  /** The view of the environment, on the page at {@code pagePath} (e.g. {@code /t/<page id>}). */
  static EnvironmentView of(Tenantwright tw, String tenantId, String pagePath, String environment,
      int maxProvisionAttempts) {
    return of(tw, tenantId, pagePath, environment, maxProvisionAttempts, events -> { });
  }

  /** Builds the view and hands the events of the run it shows to {@code shown}. */
  static EnvironmentView of(Tenantwright tw, String tenantId, String pagePath, String environment,
      int maxProvisionAttempts, Consumer<List<Event>> shown) {
    EnvironmentStatus s = tw.environments().status(tenantId, environment);
    List<Event> events = s.runId() == null ? List.of()
        : tw.runs().find(s.runId()).map(Run::events).orElse(List.of());
    if (!(s.runState() == null || s.runState().isTerminal()) && events.stream().anyMatch(e -> ENDS.contains(e.type()))) {
      // The run ended between the two reads: read the status again, so that the view is never older than the
      // events it marks as shown (else the stream skips the run's end and the page stays "Provisioning").
      s = tw.environments().status(tenantId, environment);
    }
    boolean finished = s.runState() == null || s.runState().isTerminal();
    boolean failed = s.state() == EnvironmentState.FAILED;
    List<Link> links = s.state() == EnvironmentState.READY || s.state() == EnvironmentState.UPDATING
        ? tw.environments().find(tenantId, environment).map(EnvironmentView::links).orElse(List.of())
        : List.of();
    shown.accept(events);
    String step = "";
    String message = "";
    String failedAt = "";
    List<String> log = new ArrayList<>();
    for (Event e : events) {
      if (e.step() != null && e.stepIndex() > 0) {
        step = ROLLBACK.contains(e.type()) ? "Rolling back · " + e.step() : stepText(e);
        if (e.type() == EventType.STEP_FAILED) {
          failedAt = "Failed at " + stepText(e).substring(0, 1).toLowerCase(Locale.ROOT) + stepText(e).substring(1);
        }
      }
      if (e.message() != null && !e.message().isEmpty()) {
        message = e.message();
        log.add(logLine(e));
      }
    }
    if (finished) {
      message = finishedMessage(s);
      if (failed) {
        step = failedAt;
      }
    }
    int retriesLeft = Math.max(0, maxProvisionAttempts - s.failedAttempts());
    String base = pagePath + "/environments/" + environment;
    return new EnvironmentView(environment, s.kind().name(), s.state().name(), label(s), s.runId(),
        s.runState() == null ? null : s.runState().name(), finished, s.percent(), step, message,
        List.copyOf(log.subList(Math.max(0, log.size() - LOG_LINES), log.size())),
        failed ? s.lastError() : null, failed && finished && retriesLeft > 0, retriesLeft, links, base + "/retry",
        base + "/status");
  }

  /** {@code Step 3 of 5 · site}; the page's script words it the same way. */
  private static String stepText(Event e) {
    return "Step " + e.stepIndex() + " of " + e.stepCount() + " · " + e.step();
  }

  /** {@code 3/5 site: created}; the page's script words it the same way. */
  private static String logLine(Event e) {
    return (e.stepIndex() > 0 && e.step() != null ? e.stepIndex() + "/" + e.stepCount() + " " + e.step() + ": " : "")
        + e.message();
  }

  private static String finishedMessage(EnvironmentStatus s) {
    return switch (s.state()) {
      case READY -> "Ready.";
      case FAILED -> s.runState() == RunState.FAILED
          ? "The rollback did not finish: this environment needs attention."
          : "Rolled back: everything this run created was removed again.";
      case DESTROYED -> "Destroyed.";
      default -> "";
    };
  }

  /**
   * The web addresses among the environment's resource outputs: every {@code url} output (a bare host name,
   * as Vercel reports deployments, becomes {@code https://host/}), health checks aside, each address once.
   */
  static List<Link> links(Environment env) {
    List<Link> links = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Environment.Resource r : env.resources()) {
      if (r.type().equals("http.health-check") || !(r.outputs().get("url") instanceof String value)) {
        continue;
      }
      String url = HOST_NAME.matcher(value).matches() ? "https://" + value + "/" : value;
      if (isWebAddress(url) && seen.add(url)) {
        links.add(new Link(r.name(), url));
      }
    }
    return links;
  }

  static boolean isWebAddress(String s) {
    return (s.startsWith("http://") || s.startsWith("https://")) && s.chars().noneMatch(c -> c <= ' ' || c == '"');
  }

  private static String label(EnvironmentStatus s) {
    if (s.runState() == RunState.ROLLING_BACK) {
      return "Rolling back";
    }
    if (s.runState() == RunState.QUEUED) {
      return "Queued";
    }
    String state = s.state().name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(state.charAt(0)) + state.substring(1);
  }
}
