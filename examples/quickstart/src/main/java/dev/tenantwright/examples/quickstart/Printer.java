package dev.tenantwright.examples.quickstart;

import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentStatus;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.Tenant;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Writes what the quickstart shows: progress lines, environments, runs and their steps, access URLs. */
final class Printer {

  private final PrintStream out;
  private volatile boolean withTenant;

  Printer(PrintStream out) {
    this.out = out;
  }

  /** Progress lines name the tenant too ({@code tenant/environment}): a story may have several customers. */
  void withTenant() {
    withTenant = true;
  }

  PrintStream out() {
    return out;
  }

  void line(String text) {
    synchronized (out) {
      out.println(text);
    }
  }

  void line(String format, Object... args) {
    line(String.format(Locale.ROOT, format, args));
  }

  /** One progress line per event, with a bar of the run's completion. */
  void event(Event e) {
    if (e.type() == EventType.TENANT_CREATED || e.type() == EventType.STEP_STARTED) {
      return;
    }
    String env = e.environment() == null ? "" : withTenant ? e.tenantId() + "/" + e.environment() : e.environment();
    String where = String.format(Locale.ROOT, withTenant ? "%-24s" : "%-13s", env);
    String step = e.step() == null ? "" : "step " + e.stepIndex() + "/" + e.stepCount() + " " + e.step() + ": ";
    line("  %s %s %3d%%  %s%s", where, bar(e.percent()), e.percent(), step, oneLine(e.message()));
  }

  void tenant(Tenant t) {
    line("%-20s %-28s %-24s plan %-8s %s", t.id(), t.displayName(), t.email(), t.plan(), t.state());
  }

  void environment(Environment env) {
    line("  %-14s %-6s %-10s blueprint %s%s", env.name(), env.kind(), env.state(), env.blueprint(),
        env.lastError() == null ? "" : "  last error: " + oneLine(env.lastError()));
    for (Environment.Resource r : env.resources()) {
      line("      %-16s %-22s %-8s %s", r.name(), r.type(), r.origin(), r.outputs());
    }
  }

  void status(EnvironmentStatus s) {
    line("%s/%s (%s): %s, status %s", s.tenantId(), s.name(), s.kind(), s.state(), s.activation());
    line("  last run: %s %s %d%%", s.runId(), s.runState(), s.percent());
    if (!s.currentSteps().isEmpty()) {
      line("  running now: %s", String.join(", ", s.currentSteps()));
    }
    if (s.lastError() != null) {
      line("  last error: %s", s.lastError());
    }
    line("  failed provisioning attempts since last READY: %d", s.failedAttempts());
  }

  void runSummary(Run r) {
    line("  %-34s %-9s %-14s %-11s %3d%%  %s", r.id(), r.kind(), r.environment(), r.state(), r.percent(),
        r.error() == null ? "" : r.error());
  }

  void runDetail(Run r) {
    line("run %s: %s of %s/%s -> %s (%d%%)", r.id(), r.kind(), r.tenantId(), r.environment(), r.state(),
        r.percent());
    line("  created %s, finished %s", r.createdAt(), r.finishedAt() == null ? "-" : r.finishedAt());
    if (r.error() != null) {
      line("  error: %s", r.error());
    }
    line("  %-3s %-16s %-22s %-8s %-13s %-8s %-9s %s", "#", "step", "type", "action", "state", "attempts",
        "duration", "origin / error");
    for (StepStatus s : r.steps()) {
      line("  %-3d %-16s %-22s %-8s %-13s %-8d %-9s %s%s", s.index(), s.name(), s.type(), s.action(), s.state(),
          s.attempts(), millis(s.duration()), s.origin() == null ? "" : s.origin(),
          s.error() == null ? "" : "  " + s.error());
    }
  }

  /** The addresses a person opens: sandbox site, Vercel deployment, DNS name, Compose app. */
  void accessUrls(Environment env) {
    line("  %s:", env.name());
    output(env, "site", "url", "site (sandbox server)", "");
    output(env, "deploy", "url", "deployment", "https://");
    output(env, "dns", "name", "DNS name", "");
    output(env, "app", "publishedPort", "compose app", "http://127.0.0.1:");
  }

  /** An environment's links: each resource's URL (a bare host becomes https://host/), DNS record or published port. */
  void links(Environment env) {
    line("  %s/%s:", env.tenantId(), env.name());
    for (Environment.Resource r : env.resources()) {
      String link = link(r);
      if (link != null) {
        line("    %-16s %s", r.name(), link);
      }
    }
  }

  private static String link(Environment.Resource r) {
    if (r.type().equals("http.health-check") || r.type().equals("tls.certificate")) {
      return null;                        // what was checked, not something to open
    }
    Map<String, Object> o = r.outputs();
    String published = o.get("publishedPort") instanceof Number port ? "http://127.0.0.1:" + port + "/" : null;
    if (o.get("url") instanceof String url && !url.isBlank()) {
      return (url.contains("://") ? url : "https://" + url + "/") + (published == null ? "" : "  (published on "
          + published + ")");
    }
    if (r.type().equals("cloudflare.dns-record")) {
      return "DNS " + o.get("type") + " " + o.get("name") + " -> " + o.get("content");
    }
    return published;
  }

  private void output(Environment env, String resource, String key, String label, String prefix) {
    Environment.Resource r = env.resource(resource);
    Map<String, Object> outputs = r == null ? Map.of() : r.outputs();
    Object value = outputs.get(key);
    if (value != null) {
      String text = value.toString();
      line("    %-22s %s", label, text.contains("://") ? text : prefix + text);
    }
  }

  /** A message with its line breaks (a command's captured output) folded, so that it stays one line. */
  static String oneLine(String message) {
    return message == null ? null : message.strip().replaceAll("\\s*\\R\\s*", " / ");
  }

  private static String millis(Duration d) {
    return d == null ? "-" : d.toMillis() + " ms";
  }

  private static String bar(int percent) {
    int filled = Math.max(0, Math.min(20, percent / 5));
    return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "]";
  }
}
