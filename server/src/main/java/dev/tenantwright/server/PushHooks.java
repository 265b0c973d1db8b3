package dev.tenantwright.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.plugin.github.GitHubWebhooks;
import dev.tenantwright.plugin.github.PushEvent;
import dev.tenantwright.plugin.github.WebhookDelivery;
import dev.tenantwright.plugin.github.WebhookRejectedException;
import io.javalin.http.Context;
import java.time.Clock;

/**
 * GitHub's push webhook for an environment: {@code POST /hooks/github/{tenant}/{environment}}. The signature is
 * checked against the environment's own generated secret ({@value #SECRET_RESOURCE}, which its
 * {@code github.webhook} resource registered) without the secret leaving the SDK; each {@code X-GitHub-Delivery}
 * is acted on once (a replay answers 409, on any node: the ids are in the server store); a push to
 * {@value #BRANCH} updates the environment with the pushed revision (blueprint parameter {@code revision}),
 * under an idempotency key made of the delivery id.
 */
final class PushHooks {

  static final String SECRET_RESOURCE = "webhook-secret";
  static final String BRANCH = "main";

  private final Tenantwright tw;
  private final ServerStore store;
  private final Operations.ParameterDefaults defaults;
  private final Clock clock;
  private final int maxBytes;

  PushHooks(Tenantwright tw, ServerStore store, Operations.ParameterDefaults defaults, Clock clock, long maxBytes) {
    this.tw = tw;
    this.store = store;
    this.defaults = defaults;
    this.clock = clock;
    this.maxBytes = (int) Math.min(Integer.MAX_VALUE, maxBytes);
  }

  void handle(Context ctx) {
    String tenant = ctx.pathParam("tenant");
    String environment = ctx.pathParam("environment");
    GitHubWebhooks hooks = GitHubWebhooks.withVerifier((signature, body) ->
        tw.environments().verifySignature(tenant, environment, SECRET_RESOURCE, body, signature))
        .maxBodyBytes(maxBytes);
    WebhookDelivery d;
    try {
      d = hooks.receive(ctx::header, ctx.bodyAsBytes());
    } catch (WebhookRejectedException e) {
      throw new ApiException(e.status(), e.status() == 401 ? "bad-signature" : "rejected", e.getMessage(), null);
    }
    ObjectNode receipt = Views.JSON.createObjectNode();
    String event = ctx.header("X-GitHub-Event");
    receipt.put("delivery", d.deliveryId());
    receipt.put("event", event == null ? "" : event);
    if (!(d instanceof WebhookDelivery.Push push)) {
      receipt.put("ignored", d instanceof WebhookDelivery.Ping ? "ping" : "event " + event + " is not acted on");
      ApiRoutes.json(ctx, 200, receipt);
      return;
    }
    try {
      store.update("INSERT INTO tws_hook_delivery (delivery_id, tenant_id, environment, event, received_at)"
          + " VALUES (?, ?, ?, ?, ?)", d.deliveryId(), tenant, environment, "push", clock.millis());
    } catch (ServerStore.StoreException e) {
      if (ServerStore.duplicate(e)) {
        throw ApiException.conflict("delivery " + d.deliveryId() + " was received already: a replay is not acted on");
      }
      throw e;
    }
    PushEvent p = push.event();
    if (p.deleted() || !p.branch().map(BRANCH::equals).orElse(false)) {
      receipt.put("ignored", "a push to " + p.ref() + (p.deleted() ? " (deleted)" : "") + "; only " + BRANCH
          + " deploys");
      ApiRoutes.json(ctx, 200, receipt);
      return;
    }
    RunOptions o = RunOptions.defaults().idempotencyKey("push-" + d.deliveryId()).parameter("revision", p.after())
        .actor("git:" + p.repository()).reason("push to " + p.ref());
    Run run;
    try {
      run = tw.environments().update(tenant, environment, defaults.apply(tenant, environment, o));
    } catch (RuntimeException e) {
      // nothing started: forget the delivery, so that GitHub's redelivery of it may try again
      store.update("DELETE FROM tws_hook_delivery WHERE delivery_id = ?", d.deliveryId());
      throw e;
    }
    store.update("UPDATE tws_hook_delivery SET run_id = ? WHERE delivery_id = ?", run.id(), d.deliveryId());
    receipt.put("run", run.id());
    ApiRoutes.json(ctx, 200, receipt);
  }
}
