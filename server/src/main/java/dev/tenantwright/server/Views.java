package dev.tenantwright.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentStatus;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.Plan;
import dev.tenantwright.core.PlanChange;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.Tenant;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The API's JSON shapes of the SDK's objects, as {@code openapi.yaml} declares them. Nothing here reads a secret:
 * resource outputs come masked from the SDK, events never carry one.
 */
final class Views {

  static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private Views() {}

  static ObjectNode tenant(Tenant t) {
    ObjectNode o = JSON.createObjectNode();
    o.put("object", "tenant");
    o.put("id", t.id());
    o.put("displayName", t.displayName());
    o.put("email", t.email());
    o.put("plan", t.plan());
    o.put("state", t.state().name());
    ObjectNode attributes = o.putObject("attributes");
    t.attributes().forEach(attributes::put);
    o.put("createdAt", time(t.createdAt()));
    return o;
  }

  static ObjectNode environment(Environment e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("object", "environment");
    o.put("tenant", e.tenantId());
    o.put("name", e.name());
    o.put("site", e.site());
    o.put("kind", e.kind().name());
    o.put("state", e.state().name());
    o.put("blueprint", e.blueprint());
    o.put("lastError", e.lastError());
    ArrayNode resources = o.putArray("resources");
    for (Environment.Resource r : e.resources()) {
      ObjectNode ro = resources.addObject();
      ro.put("name", r.name());
      ro.put("type", r.type());
      ro.put("origin", r.origin());
      ro.set("outputs", JSON.valueToTree(r.outputs() == null ? Map.of() : r.outputs()));
    }
    o.put("createdAt", time(e.createdAt()));
    o.put("updatedAt", time(e.updatedAt()));
    return o;
  }

  static ObjectNode status(EnvironmentStatus s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("state", s.state() == null ? null : s.state().name());
    o.put("activation", s.activation().name());
    o.put("run", s.runId());
    o.put("runState", s.runState() == null ? null : s.runState().name());
    o.put("percent", s.percent());
    ArrayNode steps = o.putArray("currentSteps");
    s.currentSteps().forEach(steps::add);
    o.put("lastError", s.lastError());
    o.put("failedAttempts", s.failedAttempts());
    return o;
  }

  static ObjectNode run(Run r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("object", "run");
    o.put("id", r.id());
    o.put("tenant", r.tenantId());
    o.put("environment", r.environment());
    o.put("kind", r.kind().name());
    o.put("state", r.state().name());
    o.put("finished", r.state().isTerminal());
    o.put("percent", r.percent());
    o.put("error", r.error());
    ArrayNode leftBehind = o.putArray("leftBehind");
    r.leftBehind().forEach(leftBehind::add);
    o.put("idempotencyKey", r.idempotencyKey());
    o.put("createdAt", time(r.createdAt()));
    o.put("finishedAt", time(r.finishedAt()));
    ArrayNode steps = o.putArray("steps");
    for (StepStatus s : r.steps()) {
      ObjectNode so = steps.addObject();
      so.put("index", s.index());
      so.put("name", s.name());
      so.put("type", s.type());
      so.put("action", s.action().name());
      so.put("state", s.state().name());
      so.put("attempts", s.attempts());
      so.put("origin", s.origin());
      so.put("error", s.error());
      so.put("startedAt", time(s.startedAt()));
      so.put("finishedAt", time(s.finishedAt()));
    }
    return o;
  }

  static ObjectNode event(long id, Event e) {
    ObjectNode o = JSON.createObjectNode();
    if (id > 0) {
      o.put("id", id);
    }
    o.put("type", e.type().name());
    o.put("tenant", e.tenantId());
    o.put("environment", e.environment());
    o.put("run", e.runId());
    o.put("step", e.step());
    o.put("stepIndex", e.stepIndex());
    o.put("stepCount", e.stepCount());
    o.put("percent", e.percent());
    o.put("message", e.message());
    o.put("actor", e.actor());
    o.put("at", time(e.at()));
    return o;
  }

  static ObjectNode plan(Plan p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("tenant", p.tenantId());
    o.put("environment", p.environment());
    o.put("kind", p.kind().name());
    o.put("blueprint", p.blueprint());
    ArrayNode steps = o.putArray("steps");
    for (Plan.Step s : p.steps()) {
      ObjectNode so = steps.addObject();
      so.put("name", s.name());
      so.put("type", s.type());
      so.put("action", s.action().name());
      so.put("reason", s.reason());
      ArrayNode after = so.putArray("after");
      s.after().forEach(after::add);
    }
    return o;
  }

  static ObjectNode planChange(PlanChange c) {
    ObjectNode o = JSON.createObjectNode();
    o.set("tenant", tenant(c.tenant()));
    o.put("previousPlan", c.previousPlan());
    ArrayNode updates = o.putArray("updates");
    c.updates().forEach(r -> updates.add(run(r)));
    return o;
  }

  static ObjectNode items(List<ObjectNode> items, String next) {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("items").addAll(items);
    if (next != null) {
      o.put("next", next);
    }
    return o;
  }

  static String time(Instant at) {
    return at == null ? null : at.toString();
  }
}
