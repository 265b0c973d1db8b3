package dev.tenantwright.core;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A URL of the host's that receives Tenantwright's run, environment and tenant state changes as signed JSON — for a
 * host written in any language, or one that keeps its own records (the "register the new site in our master
 * database" of a sign-up flow) without embedding a {@link Listener}.
 *
 * <pre>{@code
 * Tenantwright.builder()
 *     .statusWebhook(StatusWebhook.to("master-db", URI.create("https://admin.example.com/hooks/tenantwright"), secret))
 * }</pre>
 *
 * <p>Every event of the chosen types becomes one <em>delivery</em>, journaled in the same database as the runs and
 * POSTed by whichever engine gets to it first: at least once (a receiver de-duplicates on the {@code webhook-id}
 * header), retried with exponential backoff (honouring {@code Retry-After}) until a 2xx answer or the attempts run
 * out. Requests follow the Standard Webhooks signature scheme — see {@link WebhookSignature} for the headers and how
 * to check them. No secret is ever part of a payload.
 */
public final class StatusWebhook {

  /** The event types delivered unless {@link #events} chooses others: tenant and run state changes, refusals. */
  public static final Set<EventType> DEFAULT_EVENTS = Set.copyOf(EnumSet.of(EventType.TENANT_CREATED,
      EventType.TENANT_SUSPENDED, EventType.TENANT_RESUMED, EventType.TENANT_DELETING, EventType.TENANT_DELETED,
      EventType.TENANT_PLAN_CHANGED, EventType.POLICY_REFUSED, EventType.DOMAIN_VERIFIED, EventType.RUN_QUEUED,
      EventType.RUN_STARTED, EventType.RUN_ROLLING_BACK, EventType.RUN_CANCELLING, EventType.RUN_STALLED,
      EventType.RUN_SUCCEEDED, EventType.RUN_ROLLED_BACK, EventType.RUN_FAILED));

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private final String name;
  private final URI url;
  private final byte[] secret;
  private final Set<EventType> events;
  private final int maxAttempts;
  private final Duration backoffBase;
  private final Duration backoffCap;

  private StatusWebhook(String name, URI url, byte[] secret, Set<EventType> events, int maxAttempts,
      Duration backoffBase, Duration backoffCap) {
    this.name = name;
    this.url = url;
    this.secret = secret;
    this.events = events;
    this.maxAttempts = maxAttempts;
    this.backoffBase = backoffBase;
    this.backoffCap = backoffCap;
  }

  /**
   * An endpoint named {@code name} (its deliveries are journaled under it: keep it when the URL moves) at an http(s)
   * {@code url}, signing with {@code secret} (at least 16 bytes; from {@code SecureRandom}, kept by the host).
   *
   * @throws ValidationException naming {@code name}, {@code url} or {@code secret}
   */
  public static StatusWebhook to(String name, URI url, byte[] secret) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ValidationException("name", "a webhook name is 1-63 of [a-z0-9-], starting with a letter");
    }
    String scheme = url == null || url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null || url.getRawUserInfo() != null
        || url.getRawFragment() != null) {
      throw new ValidationException("url", "'" + url + "' is not an http(s) URL with a host (and no user info)");
    }
    if (secret == null || secret.length < 16) {
      throw new ValidationException("secret", "a webhook secret is at least 16 bytes");
    }
    return new StatusWebhook(name, url, secret.clone(), DEFAULT_EVENTS, 12, Duration.ofSeconds(5),
        Duration.ofMinutes(30));
  }

  /** Delivers these event types (instead of {@link #DEFAULT_EVENTS}); step events are allowed but many. */
  public StatusWebhook events(Set<EventType> types) {
    if (types == null || types.isEmpty()) {
      throw new ValidationException("events", "name at least one event type");
    }
    return new StatusWebhook(name, url, secret, Set.copyOf(types), maxAttempts, backoffBase, backoffCap);
  }

  /**
   * How often a delivery is tried (at least 1) and how long it waits between tries: {@code base}, doubling up to
   * {@code cap}, with jitter; a {@code Retry-After} answer waits as long as it says (up to {@code cap}).
   */
  public StatusWebhook retries(int maxAttempts, Duration base, Duration cap) {
    if (maxAttempts < 1) {
      throw new ValidationException("maxAttempts", "must be at least 1");
    }
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new ValidationException("backoff", "base must be positive and cap at least base");
    }
    return new StatusWebhook(name, url, secret, events, maxAttempts, base, cap);
  }

  public String name() {
    return name;
  }

  public URI url() {
    return url;
  }

  /** A copy of the signing secret. */
  public byte[] secret() {
    return secret.clone();
  }

  public Set<EventType> events() {
    return events;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration backoffBase() {
    return backoffBase;
  }

  public Duration backoffCap() {
    return backoffCap;
  }

  @Override
  public String toString() {
    return "StatusWebhook[" + name + " -> " + url + ", " + events.size() + " event types]";
  }
}
