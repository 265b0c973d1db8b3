package dev.tenantwright.plugin.compose;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * The parts of a git push webhook (GitHub's {@code push} event payload, also sent by Gitea and Forgejo) a
 * host needs to decide on a redeploy: which ref moved to which commit in which repository.
 *
 * <p>Parse it only after {@link WebhookVerifier#verify} accepted the body, or let {@link GitHubWebhook} do
 * both. GitHub sends the payload as JSON ({@code application/json}) or — its default — as the form field
 * {@code payload} ({@code application/x-www-form-urlencoded}); {@link #parse(String, byte[])} reads both.
 * Immutable.
 *
 * @param ref the full ref, e.g. {@code refs/heads/main}
 * @param before the commit the ref pointed to before
 * @param after the commit it points to now (all zeros when the ref was deleted)
 * @param repository the repository's full name, e.g. {@code acme/website}
 * @param deleted whether the push deleted the ref
 * @param pushedAt when GitHub received the push ({@code repository.pushed_at}, signed with the body), or null
 *     when the sender does not say
 */
public record PushEvent(String ref, String before, String after, @Nullable String repository, boolean deleted,
    @Nullable Instant pushedAt) {

  private static final String BRANCH_PREFIX = "refs/heads/";
  private static final String FORM = "application/x-www-form-urlencoded";

  /** Validates presence. */
  public PushEvent {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
  }

  /** A push event without a push time. */
  public PushEvent(String ref, String before, String after, @Nullable String repository, boolean deleted) {
    this(ref, before, after, repository, deleted, null);
  }

  /**
   * Reads a push payload sent with {@code contentType}: JSON, or GitHub's default form encoding whose field
   * {@code payload} holds the URL-encoded JSON (GitHub docs, "Creating webhooks": "The
   * application/x-www-form-urlencoded content type will send the JSON payload as a form parameter called
   * payload").
   *
   * @param contentType the request's {@code Content-Type} header (parameters such as {@code charset} are
   *     ignored); null is read as JSON
   * @throws PermanentException if the body is neither, or not a push event
   */
  public static PushEvent parse(@Nullable String contentType, byte[] body) {
    String type = contentType == null ? "application/json"
        : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (type.equals(FORM)) {
      return parse(formField(body, "payload"));
    }
    if (!type.equals("application/json")) {
      throw new PermanentException("webhook body has content type " + type + "; expected application/json or " + FORM);
    }
    return parse(body);
  }

  /** The URL-decoded value of {@code name} in a form body. */
  private static byte[] formField(byte[] body, String name) {
    String form = new String(body, StandardCharsets.US_ASCII);
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (decode(key).equals(name)) {
        return decode(eq < 0 ? "" : pair.substring(eq + 1)).getBytes(StandardCharsets.UTF_8);
      }
    }
    throw new PermanentException("webhook form body has no '" + name + "' field");
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new PermanentException("webhook form body is not URL-encoded: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a push payload.
   *
   * @throws PermanentException if the body is not JSON or lacks {@code ref}, {@code before} or {@code after}
   */
  public static PushEvent parse(byte[] body) {
    JsonNode doc;
    try {
      doc = SupportJson.mapper().readTree(body);
    } catch (IOException e) {
      throw new PermanentException("webhook body is not JSON", e);
    }
    if (doc == null || !doc.path("ref").isTextual() || !doc.path("after").isTextual() || !doc.path("before").isTextual()) {
      throw new PermanentException("webhook body is not a push event: 'ref', 'before' and 'after' are required");
    }
    JsonNode repo = doc.path("repository").path("full_name");
    return new PushEvent(doc.get("ref").asText(), doc.get("before").asText(), doc.get("after").asText(),
        repo.isTextual() ? repo.asText() : null, doc.path("deleted").asBoolean(false),
        instant(doc.path("repository").path("pushed_at")));
  }

  /** {@code pushed_at}: unix seconds in push events, an ISO date-time elsewhere (GitHub webhook schema). */
  private static @Nullable Instant instant(JsonNode node) {
    if (node.isIntegralNumber()) {
      return Instant.ofEpochSecond(node.asLong());
    }
    if (node.isTextual()) {
      try {
        return Instant.parse(node.asText());
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  /** The branch name when the ref is a branch ({@code main} for {@code refs/heads/main}), else null. */
  public @Nullable String branch() {
    return ref.startsWith(BRANCH_PREFIX) ? ref.substring(BRANCH_PREFIX.length()) : null;
  }
}
