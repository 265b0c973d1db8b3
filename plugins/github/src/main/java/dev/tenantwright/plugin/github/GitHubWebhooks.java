package dev.tenantwright.plugin.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.spi.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The host side of a {@code github.webhook}: checks that a delivery comes from GitHub and says what it is — plain
 * JDK and Jackson, for whatever HTTP server the host runs.
 *
 * <p>A delivery is accepted only with a valid {@code X-Hub-Signature-256}: {@code sha256=} and the HMAC-SHA256 of the
 * raw body, keyed with the hook's secret, compared in constant time
 * (docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries). The legacy SHA-1
 * {@code X-Hub-Signature} is never enough. Bodies over {@link #maxBodyBytes(int)} (default 25 MiB, GitHub's own cap)
 * are refused before they are read whole. Both content types a hook can have are understood: {@code json}, and
 * {@code form} ({@code payload=<url-encoded JSON>}, signed as sent). By {@code X-GitHub-Event}: {@code ping} is a
 * {@link WebhookDelivery.Ping}, {@code push} a {@link WebhookDelivery.Push} with its {@link PushEvent}, any other
 * event {@link WebhookDelivery.Ignored}. Everything else throws {@link WebhookRejectedException} with the status to
 * answer.
 *
 * <p>Immutable and thread-safe; build one per secret and keep it.
 *
 * <pre>{@code
 * GitHubWebhooks webhooks = GitHubWebhooks.withSecret(secret);        // the webhook-secret resource's value
 * server.createContext("/hooks/github", exchange -> {
 *   int status;
 *   String text;
 *   try {
 *     WebhookDelivery d = webhooks.receive(exchange.getRequestHeaders()::getFirst, exchange.getRequestBody());
 *     if (d instanceof WebhookDelivery.Push push) {
 *       queue.add(push.event());                                      // act after answering
 *     }
 *     status = d.status();
 *     text = d.responseText();
 *   } catch (WebhookRejectedException e) {
 *     status = e.status();
 *     text = e.getMessage();
 *   }
 *   byte[] out = text.getBytes(StandardCharsets.UTF_8);
 *   exchange.sendResponseHeaders(status, out.length);
 *   exchange.getResponseBody().write(out);
 *   exchange.close();
 * });
 * }</pre>
 */
public final class GitHubWebhooks {

  /** The largest body accepted unless configured: 25 MiB, the cap GitHub puts on payloads. */
  public static final int DEFAULT_MAX_BODY_BYTES = 25 << 20;

  private static final String SIGNATURE = "X-Hub-Signature-256";
  private static final String PREFIX = "sha256=";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BiPredicate<String, byte[]> signed;
  private final int maxBodyBytes;

  private GitHubWebhooks(BiPredicate<String, byte[]> signed, int maxBodyBytes) {
    this.signed = signed;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * A receiver for hooks signed with this secret (its bytes are copied).
   *
   * @throws IllegalArgumentException if the secret is empty
   */
  public static GitHubWebhooks withSecret(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length == 0) {
      throw new IllegalArgumentException("the webhook secret must not be empty");
    }
    byte[] copy = secret.clone();
    return new GitHubWebhooks((signature, body) -> verify(copy, signature, body), DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * A receiver whose signature check is {@code check(signatureHeader, rawBody)} — for a host that does not hold the
   * secret, e.g. {@code (sig, body) -> tw.environments().verifySignature(tenant, environment, "webhook-secret", body,
   * sig)}, which checks against the secret the environment generated without revealing it. The check must compare in
   * constant time and answer false for anything malformed.
   */
  public static GitHubWebhooks withVerifier(BiPredicate<String, byte[]> check) {
    return new GitHubWebhooks(Objects.requireNonNull(check, "check"), DEFAULT_MAX_BODY_BYTES);
  }

  /** A receiver for hooks signed with this secret, e.g. the value of a {@code secret} resource (UTF-8). */
  public static GitHubWebhooks withSecret(Secret secret) {
    return withSecret(secret.reveal().getBytes(StandardCharsets.UTF_8));
  }

  /** This receiver with another body limit, from 1 byte to 1 GiB. */
  public GitHubWebhooks maxBodyBytes(int max) {
    if (max < 1 || max > 1 << 30) {
      throw new IllegalArgumentException("maxBodyBytes must be between 1 and 1 GiB, was " + max);
    }
    return new GitHubWebhooks(signed, max);
  }

  /**
   * Verifies and reads one delivery, reading at most the limit from {@code body} (the caller closes it).
   *
   * @param header the request's headers by name, e.g. {@code exchange.getRequestHeaders()::getFirst} or
   *     {@code request::getHeader}: case-insensitive, first value, null when absent
   * @throws WebhookRejectedException naming what is wrong, with the status to answer
   */
  public WebhookDelivery receive(Function<String, String> header, InputStream body) {
    Objects.requireNonNull(body, "body");
    String length = header(header, "Content-Length");
    String declared = length == null ? "" : length.trim();
    if (!declared.isEmpty() && declared.chars().allMatch(Character::isDigit)
        && (declared.length() > 10 || Long.parseLong(declared) > maxBodyBytes)) {
      throw new WebhookRejectedException(413, "body of " + declared + " bytes is over the limit of " + maxBodyBytes);
    }
    byte[] raw;
    try {
      raw = body.readNBytes(maxBodyBytes + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the webhook body", e);
    }
    return receive(header, raw);
  }

  /**
   * Verifies and reads one delivery whose raw body the host has already read.
   *
   * @throws WebhookRejectedException naming what is wrong, with the status to answer
   */
  public WebhookDelivery receive(Function<String, String> header, byte[] rawBody) {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(rawBody, "rawBody");
    if (rawBody.length > maxBodyBytes) {
      throw new WebhookRejectedException(413, "body is over the limit of " + maxBodyBytes + " bytes");
    }
    String signature = header(header, SIGNATURE);
    if (signature == null || signature.isBlank()) {
      throw new WebhookRejectedException(401, "no " + SIGNATURE + " header: the hook has no secret, or the request "
          + "is not from GitHub");
    }
    if (!signature.trim().regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new WebhookRejectedException(401, SIGNATURE + " is not an HMAC-SHA256 signature (sha256=...)");
    }
    if (!signed.test(signature.trim(), rawBody)) {
      throw new WebhookRejectedException(401, SIGNATURE + " does not match the body: wrong secret, or the body was "
          + "changed");
    }
    String event = header(header, "X-GitHub-Event");
    if (event == null || event.isBlank()) {
      throw new WebhookRejectedException(400, "no X-GitHub-Event header");
    }
    String deliveryId = header(header, "X-GitHub-Delivery");
    deliveryId = deliveryId == null ? "" : deliveryId.trim();
    switch (event.trim()) {
      case "ping" -> {
        JsonNode ping = payload(header, rawBody);
        return new WebhookDelivery.Ping(deliveryId, ping.path("hook_id").asLong(), ping.path("zen").asText(""));
      }
      case "push" -> {
        return new WebhookDelivery.Push(deliveryId, push(payload(header, rawBody)));
      }
      default -> {
        return new WebhookDelivery.Ignored(deliveryId, event.trim());
      }
    }
  }

  /**
   * Whether {@code signatureHeader} is {@code sha256=} followed by the hex HMAC-SHA256 of {@code rawBody} keyed with
   * {@code secret}, compared in constant time. Anything else — null, another algorithm such as {@code sha1=}, hex of
   * the wrong length — is false.
   */
  public static boolean verify(byte[] secret, String signatureHeader, byte[] rawBody) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(rawBody, "rawBody");
    if (signatureHeader == null) {
      return false;
    }
    String s = signatureHeader.trim();
    if (!s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    byte[] given = unhex(s.substring(PREFIX.length()));
    if (given == null || secret.length == 0) {
      return false;
    }
    byte[] expected;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      expected = mac.doFinal(rawBody);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
    boolean same = MessageDigest.isEqual(expected, given);
    Arrays.fill(expected, (byte) 0);
    return same;
  }

  /** The payload's JSON, from a {@code json} or a {@code form} delivery. */
  private static JsonNode payload(Function<String, String> header, byte[] raw) {
    String type = header(header, "Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    String json;
    if (media.equals("application/json")) {
      json = new String(raw, StandardCharsets.UTF_8);
    } else if (media.equals("application/x-www-form-urlencoded")) {
      json = formPayload(new String(raw, StandardCharsets.US_ASCII));
    } else {
      throw new WebhookRejectedException(415, "Content-Type " + (type == null ? "missing" : "'" + type + "'")
          + ": GitHub sends application/json or application/x-www-form-urlencoded");
    }
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isObject()) {
        throw new WebhookRejectedException(400, "the payload is not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      // the original message only: Jackson's excerpt would quote the body
      throw new WebhookRejectedException(400, "the payload is not JSON: " + e.getOriginalMessage());
    }
  }

  private static String formPayload(String form) {
    for (String pair : form.split("&")) {
      if (pair.startsWith("payload=")) {
        try {
          return URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new WebhookRejectedException(400, "the form field 'payload' is not URL-encoded: " + e.getMessage());
        }
      }
    }
    throw new WebhookRejectedException(400, "a form delivery without the field 'payload'");
  }

  private static PushEvent push(JsonNode p) {
    JsonNode head = p.get("head_commit");
    boolean hasHead = head != null && head.isObject();
    return new PushEvent(
        required(p, "/repository/full_name"),
        required(p, "/ref"),
        required(p, "/before"),
        required(p, "/after"),
        p.path("created").asBoolean(false),
        p.path("deleted").asBoolean(false),
        p.path("forced").asBoolean(false),
        p.at("/pusher/name").isTextual() ? p.at("/pusher/name").asText() : required(p, "/sender/login"),
        hasHead ? required(p, "/head_commit/id") : null,
        hasHead ? head.path("message").asText("") : null);
  }

  private static String required(JsonNode p, String pointer) {
    JsonNode v = p.at(pointer);
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new WebhookRejectedException(400, "the push payload has no " + pointer.substring(1).replace('/', '.'));
    }
    return v.asText();
  }

  /** A header by its canonical name, else by its lower-case one (HTTP/2 servers and plain maps keep those). */
  private static String header(Function<String, String> header, String name) {
    String v = header.apply(name);
    return v != null ? v : header.apply(name.toLowerCase(Locale.ROOT));
  }

  private static byte[] unhex(String hex) {
    if (hex.length() != 64) {
      return null;
    }
    byte[] out = new byte[32];
    for (int i = 0; i < 32; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }
}
