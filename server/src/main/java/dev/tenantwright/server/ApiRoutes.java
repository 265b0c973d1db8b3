package dev.tenantwright.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.Page;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The REST API's resources — tenants, environments, runs, approvals, tokens — over the SDK, as
 * {@code openapi.yaml} declares them. Authentication, rate and size limits happen before these handlers
 * ({@link TenantwrightServer}); each handler checks what the token may do.
 */
final class ApiRoutes {

  private static final Set<String> NEW_TENANT = Set.of("company", "email", "plan", "slug", "attributes");
  private static final Set<String> RUN_REQUEST = Set.of("blueprint", "parameters", "reason", "approval");
  private static final Set<String> PROVISION = Set.of("kind", "site", "name", "blueprint", "parameters", "reason",
      "approval");

  private final Tenantwright tw;
  private final Operations operations;
  private final Approvals approvals;
  private final ApiTokens tokens;

  ApiRoutes(Tenantwright tw, Operations operations, Approvals approvals, ApiTokens tokens) {
    this.tw = tw;
    this.operations = operations;
    this.approvals = approvals;
    this.tokens = tokens;
  }

  void register(RoutesConfig r) {
    r.get("/blueprints", ctx -> {
      Requests.admin(ctx);
      json(ctx, 200, Views.JSON.createObjectNode().set("items", Views.JSON.valueToTree(
          tw.blueprints().stream().sorted().toList())));
    });
    r.get("/tenants", this::listTenants);
    r.post("/tenants", this::createTenant);
    r.get("/tenants/{tenant}", ctx -> {
      String id = ctx.pathParam("tenant");
      Requests.reader(ctx, id);
      json(ctx, 200, Views.tenant(tw.tenants().get(id)));
    });
    r.delete("/tenants/{tenant}", this::deleteTenant);
    r.post("/tenants/{tenant}/suspend", ctx -> {
      Principal p = Requests.admin(ctx);
      json(ctx, 200, Views.tenant(tw.tenants().suspend(ctx.pathParam("tenant"), p.name())));
    });
    r.post("/tenants/{tenant}/resume", ctx -> {
      Principal p = Requests.admin(ctx);
      json(ctx, 200, Views.tenant(tw.tenants().resume(ctx.pathParam("tenant"), p.name())));
    });
    r.put("/tenants/{tenant}/plan", ctx -> {
      Principal p = Requests.admin(ctx);
      ObjectNode body = Requests.body(ctx, true, Set.of("plan"));
      RunOptions o = RunOptions.defaults().actor(p.name());
      String key = Requests.idempotencyKey(ctx);
      json(ctx, 200, Views.planChange(tw.tenants().changePlan(ctx.pathParam("tenant"),
          Requests.requiredText(body, "plan"), key == null ? o : o.idempotencyKey(key))));
    });
    r.get("/tenants/{tenant}/history", ctx -> {
      String id = ctx.pathParam("tenant");
      Requests.reader(ctx, id);
      tw.tenants().get(id);
      // one indexed page of the newest events before the cursor, shown oldest first as before; next goes back in time
      Page<Event> page = tw.tenants().history(id, Requests.page(ctx));
      List<ObjectNode> items = new ArrayList<>(page.items().stream().map(e -> Views.event(0, e)).toList());
      Collections.reverse(items);
      json(ctx, 200, Views.items(items, page.nextCursor()));
    });
    r.get("/tenants/{tenant}/environments", ctx -> {
      String id = ctx.pathParam("tenant");
      Requests.reader(ctx, id);
      tw.tenants().get(id);
      json(ctx, 200, Views.items(tw.environments().list(id).stream().map(Views::environment).toList(), null));
    });
    r.post("/tenants/{tenant}/environments", ctx -> {
      Principal p = Requests.admin(ctx);
      String tenant = ctx.pathParam("tenant");
      ObjectNode body = Requests.body(ctx, true, PROVISION);
      String environment = Operations.environmentOf(body);
      start(ctx, p, "provision", tenant, environment, body);
    });
    r.get("/tenants/{tenant}/environments/{environment}", ctx -> {
      String tenant = ctx.pathParam("tenant");
      Requests.reader(ctx, tenant);
      String name = ctx.pathParam("environment");
      Environment e = tw.environments().find(tenant, name)
          .orElseThrow(() -> new NotFoundException("environment '" + name + "' of tenant '" + tenant
              + "' does not exist"));
      ObjectNode o = Views.environment(e);
      o.set("status", Views.status(tw.environments().status(tenant, name)));
      json(ctx, 200, o);
    });
    r.delete("/tenants/{tenant}/environments/{environment}", ctx -> {
      Principal p = Requests.admin(ctx);
      ObjectNode body = Requests.body(ctx, false, RUN_REQUEST);
      start(ctx, p, "destroy", ctx.pathParam("tenant"), ctx.pathParam("environment"), body);
    });
    r.get("/tenants/{tenant}/environments/{environment}/plan", ctx -> {
      String tenant = ctx.pathParam("tenant");
      Requests.reader(ctx, tenant);
      String raw = ctx.queryParam("kind");
      RunKind kind;
      try {
        kind = raw == null ? RunKind.UPDATE : RunKind.valueOf(raw.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid("kind", "'kind' must be one of PROVISION, UPDATE, RESET, PROMOTE, REDEPLOY,"
            + " DESTROY");
      }
      json(ctx, 200, Views.plan(tw.environments().plan(tenant, ctx.pathParam("environment"), kind,
          RunOptions.defaults())));
    });
    r.post("/tenants/{tenant}/environments/{environment}/{action}", ctx -> {
      Principal p = Requests.admin(ctx);
      String action = ctx.pathParam("action");
      if (!Operations.ENVIRONMENT_ACTIONS.contains(action)) {
        throw ApiException.notFound("no action '" + action + "' (actions: " + Operations.ENVIRONMENT_ACTIONS + ")");
      }
      ObjectNode body = Requests.body(ctx, false, RUN_REQUEST);
      start(ctx, p, action, ctx.pathParam("tenant"), ctx.pathParam("environment"), body);
    });
    r.get("/runs", this::listRuns);
    r.get("/runs/{run}", ctx -> json(ctx, 200, Views.run(readableRun(ctx))));
    r.post("/runs/{run}/cancel", ctx -> {
      Requests.admin(ctx);
      Run run = readableRun(ctx);
      json(ctx, 202, Views.run(run.state().isTerminal() ? run : run.cancel()));
    });
    r.get("/approvals", ctx -> {
      Requests.admin(ctx);
      String state = ctx.queryParam("state");
      if (state != null && !Set.of("PENDING", "APPROVED", "REJECTED").contains(state)) {
        throw ApiException.invalid("state", "'state' must be PENDING, APPROVED or REJECTED");
      }
      json(ctx, 200, Views.items(approvals.list(state, Requests.limit(ctx)), null));
    });
    r.get("/approvals/{approval}", ctx -> {
      Requests.admin(ctx);
      json(ctx, 200, approvals.get(ctx.pathParam("approval")));
    });
    r.post("/approvals/{approval}/approve", ctx -> {
      Principal p = Requests.admin(ctx);
      ObjectNode body = Requests.body(ctx, true, Set.of("reason"));
      json(ctx, 200, approvals.approve(ctx.pathParam("approval"), p, Requests.requiredText(body, "reason"),
          operations));
    });
    r.post("/approvals/{approval}/reject", ctx -> {
      Principal p = Requests.admin(ctx);
      ObjectNode body = Requests.body(ctx, true, Set.of("reason"));
      json(ctx, 200, approvals.reject(ctx.pathParam("approval"), p, Requests.requiredText(body, "reason")));
    });
    r.get("/tokens", ctx -> {
      Requests.admin(ctx);
      json(ctx, 200, Views.items(tokens.list().stream().map(ApiRoutes::token).toList(), null));
    });
    r.post("/tokens", ctx -> {
      Requests.admin(ctx);
      ObjectNode body = Requests.body(ctx, true, Set.of("name", "scope", "tenant", "ratePerMinute"));
      String tenant = Requests.text(body, "tenant");
      if (tenant != null) {
        tw.tenants().get(tenant);
      }
      JsonNode rate = body.get("ratePerMinute");
      if (rate != null && !rate.isNull() && !rate.canConvertToInt()) {
        throw ApiException.invalid("ratePerMinute", "'ratePerMinute' must be a whole number");
      }
      ApiTokens.Issued issued = tokens.issue(Requests.text(body, "name"), Requests.text(body, "scope"), tenant,
          rate == null || rate.isNull() ? null : rate.asInt());
      ObjectNode o = token(issued.token());
      o.put("token", issued.secret());
      json(ctx, 201, o);
    });
    r.delete("/tokens/{token}", ctx -> {
      Requests.admin(ctx);
      tokens.revoke(ctx.pathParam("token"));
      ctx.status(204);
    });
  }

  /**
   * Starts a run-making operation, or files an approval request when the SDK refuses it for want of one (live
   * protection). An approval given in the body is the caller's own, refused when two persons are required.
   */
  private void start(Context ctx, Principal p, String operation, String tenant, String environment,
      ObjectNode body) {
    RunOptions options = Requests.runOptions(ctx, p, body);
    JsonNode approval = body.get("approval");
    if (approval != null && !approval.isNull()) {
      if (!approval.isObject() || !approval.path("reason").isTextual() || approval.get("reason").asText().isBlank()) {
        throw ApiException.invalid("approval.reason", "an approval needs a 'reason'");
      }
      if (approvals.twoPerson()) {
        throw new ApiException(403, "two-person-approval", "this server needs a second person to approve changes"
            + " to live: leave 'approval' out and have another admin approve the request", "approval");
      }
      options = options.approval(p.name(), approval.get("reason").asText());
    }
    Object result;
    try {
      result = operations.execute(operation, tenant, environment, body, options);
    } catch (PolicyViolationException e) {
      if (!"live-protection".equals(e.policy())) {
        throw e;
      }
      ObjectNode kept = body.deepCopy();
      kept.remove("approval");
      ObjectNode request = approvals.request(operation, tenant, environment, kept, Requests.idempotencyKey(ctx), p,
          apiWording(e.getMessage()));
      ctx.header("Location", "/approvals/" + request.get("id").asText());
      json(ctx, 202, request);
      return;
    }
    if (result instanceof Run run) {
      ctx.header("Location", "/runs/" + run.id());
      json(ctx, 202, Views.run(run));
    } else {
      json(ctx, 202, Views.tenant((Tenant) result));
    }
  }

  /** The SDK's refusal as an API user reads it: without the Java call it names for giving an approval. */
  static String apiWording(String sdkMessage) {
    return sdkMessage.replaceAll("\\s*\\(RunOptions\\.approval\\([^)]*\\)\\)", "")
        .replace("an explicit approval", "an approval");
  }

  private void createTenant(Context ctx) {
    Requests.admin(ctx);
    ObjectNode body = Requests.body(ctx, true, NEW_TENANT);
    NewTenant t = NewTenant.company(Requests.requiredText(body, "company"))
        .email(Requests.requiredText(body, "email"));
    String plan = Requests.text(body, "plan");
    if (plan != null) {
      t = t.plan(plan);
    }
    String slug = Requests.text(body, "slug");
    if (slug != null) {
      t = t.slug(slug);
    }
    JsonNode attributes = body.get("attributes");
    if (attributes != null && !attributes.isNull()) {
      if (!attributes.isObject()) {
        throw ApiException.invalid("attributes", "'attributes' must be an object of strings");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual()) {
          throw ApiException.invalid("attributes." + e.getKey(), "an attribute's value must be a string");
        }
        t = t.attribute(e.getKey(), e.getValue().asText());
      }
    }
    Tenant created = tw.tenants().create(t);
    ctx.header("Location", "/tenants/" + created.id());
    json(ctx, 201, Views.tenant(created));
  }

  private void deleteTenant(Context ctx) {
    Principal p = Requests.admin(ctx);
    String tenant = ctx.pathParam("tenant");
    tw.tenants().get(tenant);
    ObjectNode body = Requests.body(ctx, false, RUN_REQUEST);
    start(ctx, p, "delete-tenant", tenant, null, body);
  }

  private void listTenants(Context ctx) {
    Principal p = Requests.principal(ctx);
    int limit = Requests.limit(ctx);
    Requests.Cursor after = Requests.cursor(ctx);
    List<Tenant> all = p.admin() ? new ArrayList<>(tw.tenants().list())
        : tw.tenants().find(p.tenantId()).map(List::of).orElse(List.of());
    Comparator<Tenant> order = Comparator.comparing(Tenant::createdAt).thenComparing(Tenant::id);
    List<Tenant> sorted = all.stream().sorted(order).filter(t -> after == null
        || t.createdAt().toEpochMilli() > after.millis()
        || t.createdAt().toEpochMilli() == after.millis() && t.id().compareTo(after.id()) > 0).toList();
    page(ctx, sorted, limit, Views::tenant, t -> Requests.cursor(t.createdAt().toEpochMilli(), t.id()));
  }

  private void listRuns(Context ctx) {
    String tenant = ctx.queryParam("tenant");
    if (tenant == null || tenant.isBlank()) {
      throw ApiException.invalid("tenant", "'tenant' is required");
    }
    Requests.reader(ctx, tenant);
    tw.tenants().get(tenant);
    String environment = ctx.queryParam("environment");
    if (environment != null) {
      // one environment's runs: one indexed page in the journal, its cursor the journal's own
      Page<Run> page = tw.runs().list(tenant, environment, Requests.page(ctx));
      json(ctx, 200, Views.items(page.items().stream().map(Views::run).toList(), page.nextCursor()));
      return;
    }
    int limit = Requests.limit(ctx);
    Requests.Cursor after = Requests.cursor(ctx);
    List<Run> runs = new ArrayList<>();
    for (String e : tw.environments().list(tenant).stream().map(Environment::name).toList()) {
      runs.addAll(tw.runs().list(tenant, e));
    }
    Comparator<Run> newestFirst = Comparator.comparing(Run::createdAt).thenComparing(Run::id).reversed();
    List<Run> sorted = runs.stream().sorted(newestFirst).filter(r -> after == null
        || r.createdAt().toEpochMilli() < after.millis()
        || r.createdAt().toEpochMilli() == after.millis() && r.id().compareTo(after.id()) < 0).toList();
    page(ctx, sorted, limit, Views::run, r -> Requests.cursor(r.createdAt().toEpochMilli(), r.id()));
  }

  private static <T> void page(Context ctx, List<T> sorted, int limit, java.util.function.Function<T, ObjectNode> view,
      java.util.function.Function<T, String> cursorOf) {
    List<T> page = sorted.subList(0, Math.min(limit, sorted.size()));
    String next = sorted.size() > limit ? cursorOf.apply(page.get(page.size() - 1)) : null;
    json(ctx, 200, Views.items(page.stream().map(view).toList(), next));
  }

  /** The run, when the token may read its tenant; otherwise the same 404 as an unknown run. */
  private Run readableRun(Context ctx) {
    String id = ctx.pathParam("run");
    Run run = tw.runs().find(id).orElseThrow(() -> ApiException.notFound("run '" + id + "' does not exist"));
    if (!Requests.principal(ctx).mayRead(run.tenantId())) {
      throw ApiException.notFound("run '" + id + "' does not exist");
    }
    return run;
  }

  private static ObjectNode token(ApiTokens.Token t) {
    ObjectNode o = Views.JSON.createObjectNode();
    o.put("id", t.id());
    o.put("name", t.name());
    o.put("scope", t.scope());
    o.put("tenant", t.tenantId());
    if (t.ratePerMinute() != null) {
      o.put("ratePerMinute", t.ratePerMinute());
    }
    o.put("createdAt", t.createdAt().toString());
    o.put("lastUsedAt", t.lastUsedAt() == null ? null : t.lastUsedAt().toString());
    return o;
  }

  static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(body.toString());
  }
}
