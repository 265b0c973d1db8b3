package dev.tenantwright.core;

import dev.tenantwright.core.internal.text.Text;
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

  private static final RunOptions DEFAULTS = new RunOptions(null, null, Map.of(), null, null, null, null);

  private final String idempotencyKey;
  private final String blueprint;
  private final Map<String, Object> parameters;
  private final String actor;
  private final String reason;
  private final Approval approval;
  private final Integer version;

  private RunOptions(String idempotencyKey, String blueprint, Map<String, Object> parameters, String actor,
      String reason, Approval approval, Integer version) {
    this.version = version;
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
    if (key.isBlank() || key.length() > 200 || !Text.printable(key)) {
      throw new ValidationException("idempotencyKey", "must be 1 to 200 printable characters");
    }
    return new RunOptions(key, blueprint, parameters, actor, reason, approval, version);
  }

  /** The blueprint to use instead of the environment's (or the default one). */
  public RunOptions blueprint(String name) {
    Objects.requireNonNull(name, "blueprint");
    if (!name.matches("[a-z][a-z0-9-]{0,39}")) {
      throw new ValidationException("blueprint", "a blueprint name is 1-40 of [a-z0-9-], starting with a letter");
    }
    return new RunOptions(idempotencyKey, name, parameters, actor, reason, approval, version);
  }

  /**
   * The version of the blueprint to move the environment to (see {@link Blueprint#version()}); without it an update
   * keeps the version the environment runs, and a new environment gets the highest registered one. Refused for an
   * environment {@linkplain Environments#pin pinned} to another version.
   */
  public RunOptions blueprintVersion(int version) {
    if (version < 1) {
      throw new ValidationException("blueprintVersion", "must be at least 1");
    }
    return new RunOptions(idempotencyKey, blueprint, parameters, actor, reason, approval, version);
  }

  /** The blueprint version asked for, or null. */
  public Integer blueprintVersionGiven() {
    return version;
  }

  /** A value for one of the blueprint's vars; a {@link dev.tenantwright.spi.Secret} value is stored encrypted. */
  public RunOptions parameter(String name, Object value) {
    Objects.requireNonNull(name, "parameter name");
    if (!name.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
      throw new ValidationException("parameters", "a parameter name is 1-64 of [A-Za-z0-9_-], starting with a letter");
    }
    Objects.requireNonNull(value, "parameter " + name);
    if (!(value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof dev.tenantwright.spi.Secret)) {
      throw new ValidationException("parameters." + name, "must be text, a number, a boolean or a Secret");
    }
    if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
      throw new ValidationException("parameters." + name, "must be a finite number");
    }
    if (value instanceof String text && (text.length() > 10_000 || !Text.printable(text))) {
      throw new ValidationException("parameters." + name, "must be at most 10,000 printable characters");
    }
    Map<String, Object> copy = new LinkedHashMap<>(parameters);
    copy.put(name, value);
    return new RunOptions(idempotencyKey, blueprint, copy, actor, reason, approval, version);
  }

  /** Who asks (a user name or service id), recorded in the audit trail. */
  public RunOptions actor(String actor) {
    if (actor != null && (actor.length() > 200 || !Text.printable(actor))) {
      throw new ValidationException("actor", "must be at most 200 printable characters");
    }
    return new RunOptions(idempotencyKey, blueprint, parameters, actor, reason, approval, version);
  }

  /** Why, recorded in the audit trail. */
  public RunOptions reason(String reason) {
    if (reason != null && (reason.length() > 1000 || !Text.printable(reason))) {
      throw new ValidationException("reason", "must be at most 1,000 printable characters");
    }
    return new RunOptions(idempotencyKey, blueprint, parameters, actor, reason, approval, version);
  }

  /**
   * An explicit approval (who, why) for what live protection refuses otherwise: resetting or destroying live,
   * or a destructive step on live. Recorded in the audit trail.
   */
  public RunOptions approval(String by, String why) {
    return new RunOptions(idempotencyKey, blueprint, parameters, actor, reason, Approval.of(by, why), version);
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
