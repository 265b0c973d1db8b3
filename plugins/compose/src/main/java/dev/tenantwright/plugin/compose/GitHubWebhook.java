package dev.tenantwright.plugin.compose;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The receiving end of one tenant's git push webhook (GitHub, and Gitea or Forgejo, which send the same
 * headers): everything a host's endpoint must check before a push may redeploy a site, in one call.
 *
 * <p>{@link #receive} takes the raw request and answers a {@link Delivery}:
 * <ol>
 *   <li>a body larger than the limit (default {@value #DEFAULT_MAX_BODY_BYTES} bytes) is refused; read it with
 *       {@link #readBody} so an endless body is never buffered;
 *   <li>the {@code X-Hub-Signature-256} HMAC over the raw body must match the tenant's own secret
 *       ({@link WebhookVerifier}, constant time);
 *   <li>{@code X-GitHub-Event: ping} (sent when the hook is created) is answered as {@link Outcome#PING};
 *       events other than {@code push} are ignored;
 *   <li>the payload is read as JSON or as GitHub's default form encoding ({@code payload=<url-encoded JSON>},
 *       finding C1);
 *   <li>the pushed repository must be the one this receiver is bound to, so a secret shared by mistake cannot
 *       redeploy another tenant's site (security finding SEC6); pushes to other branches, tag pushes and branch
 *       deletions are ignored; {@code after} must be a commit id;
 *   <li>the signed {@code repository.pushed_at} must lie within the replay window (default
 *       {@link #DEFAULT_MAX_AGE}), so a body captured once — from a proxy log or the delivery log — cannot be
 *       replayed later to roll a site back (SEC6).
 * </ol>
 * A push within the window that is delivered again — by GitHub's redelivery or a replay with a fresh
 * {@code X-GitHub-Delivery} id, which is not signed — gets the same {@link Delivery#idempotencyKey()}, derived
 * from the signed repository, ref and commit: the engine answers it with the run it already started.
 *
 * <p>Immutable and thread-safe; one per tenant (its secret, its repository).
 *
 * <pre>{@code
 * GitHubWebhook hook = GitHubWebhook.builder(tenantSecret, "acme/shop").branch("main").build();
 * Delivery d = hook.receive(request.contentType(), request.header("X-GitHub-Event"),
 *     request.header(WebhookVerifier.HEADER), GitHubWebhook.readBody(request.body(), GitHubWebhook.DEFAULT_MAX_BODY_BYTES));
 * }</pre>
 */
public final class GitHubWebhook {

  /** The default body limit: 1 MiB. A push of very many commits can be larger; raise the limit for such repositories. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

  /** The default replay window: a push older than this (by its signed {@code pushed_at}) is refused. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

  /** The header naming the event. */
  public static final String EVENT_HEADER = "X-GitHub-Event";

  /** How far a {@code pushed_at} may lie in the future (clock skew between GitHub and this host). */
  private static final Duration SKEW = Duration.ofMinutes(2);
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
  private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]{1,200}");

  private final Secret secret;
  private final String repository;
  private final String branch;
  private final @Nullable Duration maxAge;
  private final int maxBodyBytes;
  private final Clock clock;

  private GitHubWebhook(Builder b) {
    this.secret = b.secret;
    this.repository = b.repository;
    this.branch = b.branch;
    this.maxAge = b.maxAge;
    this.maxBodyBytes = b.maxBodyBytes;
    this.clock = b.clock;
  }

  /**
   * A receiver for pushes to {@code repository} ({@code owner/name}, as GitHub's {@code full_name}) signed with
   * {@code secret}; use a secret per tenant.
   */
  public static Builder builder(Secret secret, String repository) {
    return new Builder(secret, repository);
  }

  /**
   * Reads a request body, but at most {@code maxBytes + 1} bytes: enough for {@link #receive} to refuse an
   * oversized body without ever buffering all of it.
   */
  public static byte[] readBody(InputStream in, int maxBytes) throws IOException {
    return in.readNBytes(maxBytes + 1);
  }

  /**
   * Judges one request.
   *
   * @param contentType the {@code Content-Type} header, or null
   * @param event the {@value #EVENT_HEADER} header, or null
   * @param signature the {@value WebhookVerifier#HEADER} header, or null
   * @param body the raw body, exactly as received
   * @return what to do: redeploy ({@link Outcome#PUSH}), answer ({@link Outcome#PING}), nothing
   *     ({@link Outcome#IGNORED}) or refuse and record ({@link Outcome#REFUSED}); never an exception
   */
  public Delivery receive(@Nullable String contentType, @Nullable String event, @Nullable String signature, byte[] body) {
    Objects.requireNonNull(body, "body");
    if (body.length > maxBodyBytes) {
      return Delivery.refused("body larger than " + maxBodyBytes + " bytes");
    }
    WebhookVerifier.Verification v = WebhookVerifier.verify(secret, body, signature);
    if (!v.valid()) {
      return Delivery.refused(v.reason());
    }
    if (event == null || event.isBlank()) {
      return Delivery.refused("missing " + EVENT_HEADER + " header");
    }
    String kind = event.strip().toLowerCase(Locale.ROOT);
    if (kind.equals("ping")) {
      return new Delivery(Outcome.PING, null, "pong");
    }
    if (!kind.equals("push")) {
      return Delivery.ignored("event '" + kind + "' is not a push");
    }
    PushEvent push;
    try {
      push = PushEvent.parse(contentType, body);
    } catch (PermanentException e) {
      return Delivery.refused(e.getMessage());
    }
    if (push.repository() == null || !push.repository().equalsIgnoreCase(repository)) {
      return Delivery.refused("push from repository " + push.repository() + ", but this webhook belongs to "
          + repository);
    }
    if (maxAge != null) {
      Instant now = clock.instant();
      if (push.pushedAt() == null) {
        return Delivery.refused("the payload has no repository.pushed_at to check the replay window against");
      }
      if (push.pushedAt().isBefore(now.minus(maxAge)) || push.pushedAt().isAfter(now.plus(SKEW))) {
        return Delivery.refused("push of " + push.pushedAt() + " is outside the replay window of " + maxAge
            + " (a replayed or long-delayed delivery)");
      }
    }
    if (push.deleted() || !("refs/heads/" + branch).equals(push.ref())) {
      return Delivery.ignored(push.deleted() ? "push deleted " + push.ref() : "push to " + push.ref()
          + ", not to branch " + branch);
    }
    if (!COMMIT.matcher(push.after()).matches()) {
      return Delivery.refused("'after' is not a commit id: " + push.after());
    }
    return new Delivery(Outcome.PUSH, push, "push of " + push.after() + " to " + push.ref());
  }

  /** What a delivery asks for. */
  public enum Outcome {
    /** A verified push to the bound repository and branch: redeploy {@link PushEvent#after()}. */
    PUSH,
    /** GitHub's check when the hook is created: answer 200, do nothing. */
    PING,
    /** Verified, but nothing to deploy (another event, branch or a deletion): answer 202, do nothing. */
    IGNORED,
    /** Not acceptable (size, signature, repository, replay window, payload): answer 4xx and record the reason. */
    REFUSED
  }

  /**
   * The verdict on one request.
   *
   * @param outcome what to do
   * @param push the push, for {@link Outcome#PUSH}; null otherwise
   * @param reason why, for the host's log or audit; never contains a secret or a signature
   */
  public record Delivery(Outcome outcome, @Nullable PushEvent push, String reason) {

    /** Checks that a push carries its event and nothing else does. */
    public Delivery {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(reason, "reason");
      if ((outcome == Outcome.PUSH) != (push != null)) {
        throw new IllegalArgumentException("only a PUSH delivery carries a push event");
      }
    }

    static Delivery refused(String reason) {
      return new Delivery(Outcome.REFUSED, null, reason);
    }

    static Delivery ignored(String reason) {
      return new Delivery(Outcome.IGNORED, null, reason);
    }

    /**
     * The idempotency key of the redeploy run: {@code push-} and a hash of the signed repository, ref and
     * commit, so the same push delivered twice (or replayed with another, unsigned delivery id) is one run.
     *
     * @throws IllegalStateException when this is not a push
     */
    public String idempotencyKey() {
      if (push == null) {
        throw new IllegalStateException("only a push has an idempotency key");
      }
      String signed = push.repository().toLowerCase(Locale.ROOT) + "\n" + push.ref() + "\n" + push.after();
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(signed.getBytes(StandardCharsets.UTF_8));
        return "push-" + HexFormat.of().formatHex(d).substring(0, 40);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is not available in this JVM", e);
      }
    }

    /** The HTTP status a host answers with: 202 push/ignored, 200 ping, 413 too large, 401 bad signature, else 400. */
    public int httpStatus() {
      return switch (outcome) {
        case PUSH, IGNORED -> 202;
        case PING -> 200;
        case REFUSED -> reason.startsWith("body larger") ? 413
            : reason.contains(WebhookVerifier.HEADER) || reason.startsWith("signature") ? 401 : 400;
      };
    }
  }

  /** Builds a {@link GitHubWebhook}. Not thread-safe. */
  public static final class Builder {
    private final Secret secret;
    private final String repository;
    private String branch = "main";
    private @Nullable Duration maxAge = DEFAULT_MAX_AGE;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Clock clock = Clock.systemUTC();

    private Builder(Secret secret, String repository) {
      this.secret = Objects.requireNonNull(secret, "secret");
      if (repository == null || !REPOSITORY.matcher(repository).matches()) {
        throw new IllegalArgumentException("repository must be owner/name, was " + repository);
      }
      this.repository = repository;
    }

    /** The branch whose pushes redeploy (default {@code main}). */
    public Builder branch(String name) {
      if (name == null || !BRANCH.matcher(name).matches() || name.contains("..")) {
        throw new IllegalArgumentException("not a branch name: " + name);
      }
      this.branch = name;
      return this;
    }

    /**
     * The replay window on the signed {@code repository.pushed_at} (default {@link #DEFAULT_MAX_AGE}); null
     * turns the check off for senders that do not sign a push time (then only the idempotency key guards
     * against replays, for as long as the engine keeps finished runs).
     */
    public Builder maxAge(@Nullable Duration window) {
      if (window != null && (window.isNegative() || window.isZero())) {
        throw new IllegalArgumentException("maxAge must be positive");
      }
      this.maxAge = window;
      return this;
    }

    /** The largest body accepted (default {@link #DEFAULT_MAX_BODY_BYTES}). */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes must be positive");
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** The clock the replay window is judged by (default the system's). */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /** The receiver. */
    public GitHubWebhook build() {
      return new GitHubWebhook(this);
    }
  }
}
