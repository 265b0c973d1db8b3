package dev.tenantwright.testkit.github.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tenantwright.testkit.github.HookDelivery;
import dev.tenantwright.testkit.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers webhooks as GitHub's "Hookshot" does (docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers
 * and docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries): a POST of the payload to the hook's
 * URL — JSON as {@code application/json}, or {@code payload=<url-encoded JSON>} as
 * {@code application/x-www-form-urlencoded} for a {@code form} hook — with {@code X-GitHub-Event},
 * {@code X-GitHub-Delivery}, {@code X-GitHub-Hook-ID}, the installation target headers, a {@code GitHub-Hookshot/...}
 * user agent and, for a hook with a secret, {@code X-Hub-Signature-256: sha256=<HMAC-SHA256 hex of the body as sent>}
 * (and the legacy SHA-1 {@code X-Hub-Signature}).
 *
 * <p>Every payload is validated first against GitHub's webhooks document (octokit/openapi-webhooks, reduced to
 * {@code push} and {@code ping}): a payload that does not match is a bug in the fake and fails loudly. Only loopback
 * URLs are called — a test never reaches out of the machine; other deliveries are recorded as not sent.
 * Thread-safe.
 */
public final class Hookshot {

  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  private final URL document;
  private volatile Map<String, Schema> schemas;

  /** A deliverer validating payloads against this (reduced) webhooks document. */
  public Hookshot(URL webhooksDocument) {
    this.document = webhooksDocument;
  }

  /** What a delivery needs of its hook, copied under the fake's monitor. */
  public record Target(long hookId, long repoId, String url, String contentType, String secret) {}

  /**
   * Checks a payload against the event's schema.
   *
   * @throws IllegalStateException naming every mismatch
   */
  public void validate(String event, JsonNode payload) {
    Schema schema = schemas().get(event);
    if (schema == null) {
      throw new IllegalStateException("the fake has no schema for the " + event + " event");
    }
    List<com.networknt.schema.Error> errors = schema.validate(payload);
    if (!errors.isEmpty()) {
      StringBuilder sb = new StringBuilder("GitHubFake made a " + event + " payload that GitHub's webhooks document refuses:");
      errors.forEach(e -> sb.append("\n  ").append(e.getInstanceLocation()).append(": ").append(e.getMessage()));
      throw new IllegalStateException(sb.toString());
    }
  }

  /** Posts one delivery and reports what happened; never throws for the receiver's failures. */
  public HookDelivery deliver(Target t, String event, String deliveryId, String hookshotId, JsonNode payload) {
    validate(event, payload);
    String json = Json.write(payload);
    boolean form = "form".equals(t.contentType());
    String body = form ? "payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8) : json;
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", "GitHub-Hookshot/" + hookshotId);
    headers.put("Content-Type", form ? "application/x-www-form-urlencoded" : "application/json");
    headers.put("X-GitHub-Event", event);
    headers.put("X-GitHub-Delivery", deliveryId);
    headers.put("X-GitHub-Hook-ID", Long.toString(t.hookId()));
    headers.put("X-GitHub-Hook-Installation-Target-ID", Long.toString(t.repoId()));
    headers.put("X-GitHub-Hook-Installation-Target-Type", "repository");
    if (t.secret() != null) {
      headers.put("X-Hub-Signature", "sha1=" + hmac("HmacSHA1", t.secret(), bytes));
      headers.put("X-Hub-Signature-256", "sha256=" + hmac("HmacSHA256", t.secret(), bytes));
    }
    URI uri;
    try {
      uri = URI.create(t.url());
    } catch (IllegalArgumentException e) {
      return new HookDelivery(event, deliveryId, t.hookId(), t.url(), headers, body, 0, "not a URL: " + e.getMessage());
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (!LOOPBACK.contains(host)) {
      return new HookDelivery(event, deliveryId, t.hookId(), t.url(), headers, body, 0,
          "not delivered: the fake delivers only to loopback addresses");
    }
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    headers.forEach(rb::header);
    try {
      HttpResponse<String> r = HTTP.send(rb.build(), HttpResponse.BodyHandlers.ofString());
      return new HookDelivery(event, deliveryId, t.hookId(), t.url(), headers, body, r.statusCode(), null);
    } catch (IOException e) {
      return new HookDelivery(event, deliveryId, t.hookId(), t.url(), headers, body, 0,
          e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new HookDelivery(event, deliveryId, t.hookId(), t.url(), headers, body, 0, "interrupted");
    }
  }

  /** Lowercase hex of the HMAC of {@code body} keyed with the UTF-8 bytes of {@code secret}. */
  public static String hmac(String algorithm, String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
      byte[] digest = mac.doFinal(body);
      StringBuilder sb = new StringBuilder(digest.length * 2);
      for (byte b : digest) {
        sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return sb.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);
    }
  }

  private Map<String, Schema> schemas() {
    Map<String, Schema> s = schemas;
    if (s == null) {
      synchronized (this) {
        s = schemas;
        if (s == null) {
          s = load();
          schemas = s;
        }
      }
    }
    return s;
  }

  private Map<String, Schema> load() {
    String text;
    try (InputStream in = document.openStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + document, e);
    }
    String id = "https://schemas.tenantwright.dev/github-webhooks.json";
    // OpenAPI 3.1 schemas are JSON Schema 2020-12: the document's schemas become the $defs of a schema document
    // (its other keys are no schema keywords), served from memory; nothing is fetched
    ObjectNode bundle = Json.mapper().createObjectNode().put("$schema", "https://json-schema.org/draft/2020-12/schema");
    bundle.set("$defs", Json.readJson(text.replace("\"#/components/schemas/", "\"#/$defs/"))
        .path("components").path("schemas"));
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        b -> b.schemas(Map.of(id, Json.write(bundle))));
    Map<String, Schema> out = new LinkedHashMap<>();
    for (String event : List.of("push", "ping")) {
      Schema schema = registry.getSchema(SchemaLocation.of(id + "#/$defs/webhook-" + event));
      schema.initializeValidators();
      out.put(event, schema);
    }
    return Map.copyOf(out);
  }
}
