package dev.tenantwright.core.internal.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.StatusWebhook;
import dev.tenantwright.core.WebhookSignature;
import dev.tenantwright.core.internal.engine.Naming;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The {@code webhook.call} type: a blueprint step that tells the host something happened, through one of its
 * {@link StatusWebhook} endpoints — e.g. "register the new site in our master database" with its URL and API keys —
 * so that such a step is configuration, runnable from any host (a CLI, a portal, another language), not host Java.
 *
 * <p>{@code create} POSTs {@code {"type": event, "tenant", "environment", "site", "run", "data": {fields…,
 * secrets…}}} signed like every status webhook ({@link WebhookSignature}), with a {@code webhook-id} derived from the
 * step's idempotency key, so every attempt — after a time-out, a lost answer or a crash — carries the same id and the
 * receiver de-duplicates. A 2xx answer is success; a JSON answer {@code {"reference": "..."}} is kept (the receiver's
 * record id). 408, 429 and 5xx, time-outs and refused connections are retried (429/503 after their
 * {@code Retry-After}); any other status fails the step naming it. {@code delete} (rollback, destroy) sends
 * {@code <event>.undone} with the reference, so the receiver removes what it recorded; 404 and 410 count as done.
 *
 * <p>Secret values are revealed only into the request body; outputs, errors and logs never carry them. The endpoint
 * is a name from the host's configuration: a blueprint parameter cannot point the engine at another URL.
 */
public final class WebhookCallType implements ResourceType<WebhookCallSpec, WebhookCallOutputs> {

  /** The blueprint type name. */
  public static final String TYPE = "webhook.call";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType APPLICATION_JSON = MediaType.get("application/json");
  private static final Pattern EVENT = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*){0,4}");
  private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
  private static final int MAX_VALUE = 4096;

  private final Map<String, StatusWebhook> endpoints = new LinkedHashMap<>();
  private final OkHttpClient http;

  public WebhookCallType(List<StatusWebhook> hooks, OkHttpClient http) {
    for (StatusWebhook h : hooks) {
      endpoints.put(h.name(), h);
    }
    this.http = http.newBuilder().callTimeout(Duration.ofSeconds(30)).build();
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<WebhookCallSpec> specType() {
    return WebhookCallSpec.class;
  }

  @Override
  public Class<WebhookCallOutputs> outputType() {
    return WebhookCallOutputs.class;
  }

  @Override
  public CreateResult<WebhookCallOutputs> create(WebhookCallSpec spec, StepContext ctx) {
    StatusWebhook hook = check(spec);
    String id = "call-" + Naming.hash(ctx.idempotencyKey(), 32);
    ObjectNode body = envelope(spec.event(), ctx);
    ObjectNode data = body.putObject("data");
    spec.fields().forEach(data::put);
    spec.secrets().forEach((k, v) -> data.put(k, v.reveal()));
    Answer answer = post(hook, id, body, spec.event(), ctx);
    return CreateResult.created(new WebhookCallOutputs(hook.name(), spec.event(), id, answer.status(),
        answer.reference()));
  }

  @Override
  public Optional<WebhookCallOutputs> read(WebhookCallSpec spec, WebhookCallOutputs outputs, StepContext ctx) {
    // the receiver's record is the host's and cannot be read back: what was answered stands; after a crash with the
    // outcome unknown, create sends again with the same webhook-id and the receiver de-duplicates
    return Optional.ofNullable(outputs);
  }

  @Override
  public void delete(WebhookCallSpec spec, WebhookCallOutputs outputs, StepContext ctx) {
    StatusWebhook hook = check(spec);
    String event = spec.event() + ".undone";
    ObjectNode body = envelope(event, ctx);
    body.put("reference", outputs == null ? null : outputs.reference());
    body.put("undoes", outputs == null ? null : outputs.deliveryId());
    post(hook, "undo-" + Naming.hash(ctx.idempotencyKey(), 32), body, event, ctx);
  }

  private StatusWebhook check(WebhookCallSpec spec) {
    StatusWebhook hook = endpoints.get(spec.endpoint());
    if (hook == null) {
      throw new PermanentException("endpoint: no status webhook named '" + spec.endpoint() + "' is configured"
          + (endpoints.isEmpty() ? " (the host configures them with Tenantwright.builder().statusWebhook(...))"
              : " (configured: " + endpoints.keySet() + ")"));
    }
    if (spec.event() == null || !EVENT.matcher(spec.event()).matches() || spec.event().length() > 60) {
      throw new PermanentException("event: '" + spec.event() + "' is not an event name like tenant.registered");
    }
    for (String k : spec.fields().keySet()) {
      checkKey(k, spec);
      String v = spec.fields().get(k);
      if (v != null && v.length() > MAX_VALUE) {
        throw new PermanentException("fields." + k + ": longer than " + MAX_VALUE + " characters");
      }
    }
    for (String k : spec.secrets().keySet()) {
      checkKey(k, spec);
      if (spec.fields().containsKey(k)) {
        throw new PermanentException("secrets." + k + ": also given in fields");
      }
    }
    return hook;
  }

  private static void checkKey(String k, WebhookCallSpec spec) {
    if (!KEY.matcher(k).matches()) {
      throw new PermanentException("fields: key '" + k + "' must be 1-64 of [A-Za-z0-9_-], starting with a letter");
    }
  }

  private static ObjectNode envelope(String event, StepContext ctx) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", event);
    o.put("tenant", ctx.tenant().id());
    o.put("environment", ctx.environment().name());
    o.put("site", ctx.environment().site());
    o.put("run", ctx.runId());
    o.put("step", ctx.stepName());
    return o;
  }

  private record Answer(int status, String reference) {}

  private Answer post(StatusWebhook hook, String id, ObjectNode body, String event, StepContext ctx) {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    long ts = ctx.clock().millis() / 1000;
    Request.Builder req = new Request.Builder().url(hook.url().toString())
        .post(RequestBody.create(bytes, APPLICATION_JSON));
    SignedHeaders.of(hook, id, ts, bytes).forEach(req::header);
    ctx.progress().report(10, "calling webhook '" + hook.name() + "' with " + event);
    try (Response resp = http.newCall(req.build()).execute()) {
      int status = resp.code();
      if (status / 100 == 2) {
        return new Answer(status, reference(resp.body()));
      }
      if (event.endsWith(".undone") && (status == 404 || status == 410)) {
        return new Answer(status, null);
      }
      String what = "webhook '" + hook.name() + "' answered " + status + " to " + event;
      if (status == 408 || status == 429 || status / 100 == 5) {
        String after = resp.header("Retry-After");
        if (after != null && after.trim().matches("\\d{1,6}")) {
          throw new RetryableException(what, Duration.ofSeconds(Long.parseLong(after.trim())), false, null);
        }
        throw new RetryableException(what);
      }
      throw new PermanentException(what);
    } catch (IOException e) {
      throw new RetryableException("webhook '" + hook.name() + "' did not answer " + event + ": "
          + e.getClass().getSimpleName(), e);
    }
  }

  private static String reference(ResponseBody body) throws IOException {
    if (body == null || body.contentType() == null || !"json".equals(body.contentType().subtype())) {
      return null;
    }
    String text = body.string();
    if (text.length() > 64 * 1024) {
      return null;
    }
    try {
      JsonNode ref = JSON.readTree(text).path("reference");
      String r = ref.isTextual() ? ref.asText() : null;
      return r != null && r.length() <= 200 && r.chars().noneMatch(Character::isISOControl) ? r : null;
    } catch (IOException e) {
      return null;
    }
  }
}
