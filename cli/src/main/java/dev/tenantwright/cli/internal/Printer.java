package dev.tenantwright.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shows the API's objects as text for an operator: tables of tenants, environments, runs and approval requests,
 * an environment's status, a run's steps, one progress line per run event. Reads the JSON shapes of the server's
 * OpenAPI document and tolerates fields it does not know.
 *
 * <p>Lines are flushed as they are written, so progress shows while a run goes on. Thread-safe: whole lines are
 * written under the writer's lock.
 */
public final class Printer {

  private static final int BAR = 10;

  private final PrintWriter out;

  public Printer(PrintWriter out) {
    this.out = out;
  }

  /** One line of text. */
  public void line(String text) {
    synchronized (out) {
      out.println(text);
      out.flush();
    }
  }

  /** A JSON document as the server sent it, on one line. */
  public void json(String raw) {
    line(raw.strip());
  }

  public void tenants(JsonNode items) {
    Table t = new Table("TENANT", "NAME", "EMAIL", "PLAN", "STATE", "CREATED");
    for (JsonNode x : items) {
      t.row(text(x, "id"), text(x, "displayName"), text(x, "email"), text(x, "plan"), text(x, "state"),
          time(x, "createdAt"));
    }
    print(t, "no tenants");
  }

  /** A tenant and its environments. */
  public void tenant(JsonNode tenant, JsonNode environments) {
    line(String.format(Locale.ROOT, "tenant %s: %s <%s>, plan %s, %s, created %s", text(tenant, "id"),
        text(tenant, "displayName"), text(tenant, "email"), text(tenant, "plan"), text(tenant, "state"),
        time(tenant, "createdAt")));
    JsonNode attributes = tenant.path("attributes");
    if (attributes.size() > 0) {
      line("  attributes: " + pairs(attributes));
    }
    Table t = new Table("ENVIRONMENT", "KIND", "SITE", "STATE", "BLUEPRINT", "UPDATED", "LAST ERROR");
    for (JsonNode e : environments) {
      t.row(text(e, "name"), text(e, "kind"), text(e, "site"), text(e, "state"), text(e, "blueprint"),
          time(e, e.hasNonNull("updatedAt") ? "updatedAt" : "createdAt"), oneLine(text(e, "lastError")));
    }
    print(t, "no environments");
  }

  /** An environment with its status and resources ({@code EnvironmentDetail}). */
  public void environment(JsonNode e) {
    JsonNode s = e.path("status");
    line(String.format(Locale.ROOT, "%s/%s (%s, site %s): %s, activation %s", text(e, "tenant"), text(e, "name"),
        text(e, "kind"), text(e, "site"), text(e, "state"), text(s, "activation")));
    line("  blueprint     " + dash(text(e, "blueprint")));
    if (s.hasNonNull("run")) {
      line(String.format(Locale.ROOT, "  last run      %s %s %d%%", text(s, "run"), text(s, "runState"),
          s.path("percent").asInt()));
    }
    List<String> running = new ArrayList<>();
    s.path("currentSteps").forEach(x -> running.add(x.asText()));
    if (!running.isEmpty()) {
      line("  running now   " + String.join(", ", running));
    }
    String error = text(s, "lastError") != null ? text(s, "lastError") : text(e, "lastError");
    if (error != null) {
      line("  last error    " + oneLine(error));
    }
    line("  failed attempts since last READY: " + s.path("failedAttempts").asInt());
    Table t = new Table("RESOURCE", "TYPE", "ORIGIN", "OUTPUTS");
    for (JsonNode r : e.path("resources")) {
      t.row(text(r, "name"), text(r, "type"), text(r, "origin"), pairs(r.path("outputs")));
    }
    print(t, "no resources");
  }

  public void runs(JsonNode items) {
    Table t = new Table("RUN", "KIND", "ENVIRONMENT", "STATE", "DONE", "CREATED", "FINISHED");
    for (JsonNode r : items) {
      t.row(text(r, "id"), text(r, "kind"), text(r, "environment"), text(r, "state"),
          r.path("percent").asInt() + "%", time(r, "createdAt"), time(r, "finishedAt"));
    }
    print(t, "no runs");
  }

  /** A run and its steps, with each step's error. */
  public void run(JsonNode r) {
    line(String.format(Locale.ROOT, "run %s: %s %s/%s, %s %d%%", text(r, "id"), text(r, "kind"), text(r, "tenant"),
        text(r, "environment"), text(r, "state"), r.path("percent").asInt()));
    line("  created " + time(r, "createdAt") + (r.hasNonNull("finishedAt")
        ? ", finished " + time(r, "finishedAt") + took(r) : ""));
    if (r.hasNonNull("error")) {
      line("  error: " + oneLine(text(r, "error")));
    }
    Table t = new Table("#", "STEP", "TYPE", "ACTION", "STATE", "ATTEMPTS", "ERROR");
    for (JsonNode s : r.path("steps")) {
      t.row(s.path("index").asInt(), text(s, "name"), text(s, "type"), text(s, "action"), text(s, "state"),
          s.path("attempts").asInt(), oneLine(text(s, "error")));
    }
    print(t, "no steps");
  }

  /** A progress line of a run's event: completion bar, percent, event type, step, message. */
  public void event(JsonNode e) {
    int percent = Math.max(0, Math.min(100, e.path("percent").asInt()));
    int filled = percent * BAR / 100;
    String bar = "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "]";
    String step = e.hasNonNull("step") ? String.format(Locale.ROOT, "step %d/%d %s: ", e.path("stepIndex").asInt(),
        e.path("stepCount").asInt(), text(e, "step")) : "";
    line(String.format(Locale.ROOT, "%s %3d%%  %-24s %s%s", bar, percent, text(e, "type"), step,
        dash(oneLine(text(e, "message")))));
  }

  /** How a run ended: its state, and the error of the run and of each failed step. */
  public void outcome(JsonNode r) {
    line(String.format(Locale.ROOT, "run %s %s: %s %s/%s%s", text(r, "id"), text(r, "state"), text(r, "kind"),
        text(r, "tenant"), text(r, "environment"), took(r)));
    if (r.hasNonNull("error")) {
      line("  error: " + oneLine(text(r, "error")));
    }
    for (JsonNode s : r.path("steps")) {
      if (s.hasNonNull("error")) {
        line(String.format(Locale.ROOT, "  step %s (%s) %s: %s", text(s, "name"), text(s, "type"), text(s, "state"),
            oneLine(text(s, "error"))));
      }
    }
  }

  public void approvals(JsonNode items) {
    Table t = new Table("APPROVAL", "STATE", "OPERATION", "TENANT", "ENVIRONMENT", "REQUESTED BY", "REQUESTED",
        "RUN");
    for (JsonNode a : items) {
      t.row(text(a, "id"), text(a, "state"), text(a, "operation"), text(a, "tenant"), text(a, "environment"),
          text(a, "requestedBy"), time(a, "requestedAt"), text(a, "run"));
    }
    print(t, "no approval requests");
  }

  /** An approval request with why it was needed and how it was decided. */
  public void approval(JsonNode a) {
    String target = text(a, "tenant") + (a.hasNonNull("environment") ? "/" + text(a, "environment") : "");
    line(String.format(Locale.ROOT, "approval %s %s: %s %s", text(a, "id"), text(a, "state"), text(a, "operation"),
        target));
    if (a.hasNonNull("why")) {
      line("  why           " + oneLine(text(a, "why")));
    }
    line("  requested by  " + text(a, "requestedBy") + " at " + time(a, "requestedAt"));
    if (a.hasNonNull("decidedBy")) {
      line("  decided by    " + text(a, "decidedBy") + " at " + time(a, "decidedAt")
          + (a.hasNonNull("reason") ? ": " + oneLine(text(a, "reason")) : ""));
    }
    if (a.hasNonNull("run")) {
      line("  run           " + text(a, "run"));
    }
  }

  private void print(Table t, String none) {
    synchronized (out) {
      if (t.isEmpty()) {
        out.println(none);
      } else {
        t.print(out);
      }
      out.flush();
    }
  }

  private static String took(JsonNode r) {
    Instant from = instant(text(r, "createdAt"));
    Instant to = instant(text(r, "finishedAt"));
    if (from == null || to == null) {
      return "";
    }
    Duration d = Duration.between(from, to);
    return String.format(Locale.ROOT, " in %.1f s", d.toMillis() / 1000.0);
  }

  private static String text(JsonNode o, String field) {
    return Json.text(o, field);
  }

  /** An instant to the second, as ISO-8601 UTC: precise enough to read, short enough for a table. */
  private static String time(JsonNode o, String field) {
    String raw = text(o, field);
    Instant at = instant(raw);
    return at == null ? raw : at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static Instant instant(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return Instant.parse(raw);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String pairs(JsonNode object) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      if (!e.getValue().isNull()) {
        parts.add(e.getKey() + "=" + (e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
      }
    }
    return String.join(" ", parts);
  }

  private static String oneLine(String s) {
    return s == null ? null : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }
}
