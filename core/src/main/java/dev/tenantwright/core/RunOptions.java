package dev.tenantwright.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a run: idempotency key, blueprint, parameters and who asks.
 *
 * <pre>{@code
 * Run run = tw.environments().provision(tenantId, EnvironmentKind.DEMO,
 *     RunOptions.defaults().idempotencyKey("signup-4711").parameter("domain", "abc.example"));
 * }</pre>
 *
 * <p>Immutable: every method returns a new instance.
 */
public final class RunOptions {

  private static final RunOptions DEFAULTS = new RunOptions(null, null, Map.of(), null, null, null);

  private final String idempotencyKey;
  private final String blueprint;
  private final Map<String, Object> parameters;
  private final String actor;
  private final String reason;
  private final Approval approval;

  private RunOptions(String idempotencyKey, String blueprint, Map<String, Object> parameters, String actor,
      String reason, Approval approval) {
    this.idempotencyKey = idempotencyKey;
    this.blueprint = blueprint;
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.actor = actor;
    this.reason = reason;
    this.approval = approval;
  }

  /** No key (every call starts a new run), the environment's or default blueprint, no parameters. */
  public static RunOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A key that makes the call idempotent: a second call with the same key returns the first call's run
   * instead of starting another (at most 200 characters).
   */
  public RunOptions idempotencyKey(String key) {
    Objects.requireNonNull(key, "idempotencyKey");
    if (key.isBlank() || key.length() > 200) {
      throw new ValidationException("idempotencyKey", "must be 1 to 200 characters");
    }
    return new RunOptions(key, blueprint, parameters, actor, reason, approval);
  }

  /** The blueprint to use instead of the environment's (or the default one). */
  public RunOptions blueprint(String name) {
    return new RunOptions(idempotencyKey, Objects.requireNonNull(name, "blueprint"), parameters, actor, reason,
        approval);
  }

  /** A value for one of the blueprint's vars; a {@link dev.tenantwright.spi.Secret} value is stored encrypted. */
  public RunOptions parameter(String name, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(parameters);
    copy.put(Objects.requireNonNull(name, "parameter name"), Objects.requireNonNull(value, "parameter " + name));
    return new RunOptions(idempotencyKey, blueprint, copy, actor, reason, approval);
  }

  /** Who asks (a user name or service id), recorded in the audit trail. */
  public RunOptions actor(String actor) {
    return new RunOptions(idempotencyKey, blueprint, parameters, actor, reason, approval);
  }

  /** Why, recorded in the audit trail. */
  public RunOptions reason(String reason) {
    return new RunOptions(idempotencyKey, blueprint, parameters, actor, reason, approval);
  }

  /**
   * An explicit approval (who, why) for what live protection refuses otherwise: resetting or destroying live,
   * or a destructive step on live. Recorded in the audit trail.
   */
  public RunOptions approval(String by, String why) {
    return new RunOptions(idempotencyKey, blueprint, parameters, actor, reason, Approval.of(by, why));
  }

  /** The approval, or null. */
  public Approval approvalGiven() {
    return approval;
  }

  public String idempotencyKey() {
    return idempotencyKey;
  }

  public String blueprintName() {
    return blueprint;
  }

  public Map<String, Object> parameters() {
    return parameters;
  }

  public String actorName() {
    return actor;
  }

  public String reasonText() {
    return reason;
  }
}
