package dev.tenantwright.core;

import dev.tenantwright.spi.EnvironmentKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link Fleet} operation does, to which environments, in which waves. Immutable: every method returns a new
 * request.
 *
 * <pre>{@code
 * FleetOperation op = tw.fleet().start(FleetRequest.update()
 *     .blueprintVersion("website", 3)          // or .parameter("image", "shop:2.4")
 *     .kinds(EnvironmentKind.DEMO, EnvironmentKind.LIVE)
 *     .canary(5).growth(2).maxInFlight(20)     // waves of 5, 10, 20, 40 … environments
 *     .failureThreshold(0.1)                   // halt when more than 10% of a wave fails
 *     .gate("smoke-tests")
 *     .approval("ops-lead", "CHG-4711: shop 2.4"));
 * }</pre>
 *
 * <p>The selection is every environment that is not destroyed, narrowed by {@link #tenants}, {@link #kinds} and
 * {@link #blueprint}; it is taken once, when the operation starts, ordered by tenant and name.
 */
public final class FleetRequest {

  private final RunKind kind;
  private final String blueprint;
  private final Integer version;
  private final RunOptions options;
  private final List<String> tenants;
  private final Set<EnvironmentKind> kinds;
  private final int canary;
  private final int growth;
  private final int maxInFlight;
  private final double failureThreshold;
  private final String gate;

  private FleetRequest(RunKind kind, String blueprint, Integer version, RunOptions options, List<String> tenants,
      Set<EnvironmentKind> kinds, int canary, int growth, int maxInFlight, double failureThreshold, String gate) {
    this.kind = kind;
    this.blueprint = blueprint;
    this.version = version;
    this.options = options;
    this.tenants = tenants;
    this.kinds = kinds;
    this.canary = canary;
    this.growth = growth;
    this.maxInFlight = maxInFlight;
    this.failureThreshold = failureThreshold;
    this.gate = gate;
  }

  /**
   * A request for {@code kind} on every environment: {@link RunKind#UPDATE}, {@link RunKind#REDEPLOY},
   * {@link RunKind#REFRESH}, {@link RunKind#REPAIR}, {@link RunKind#RESET} or {@link RunKind#DESTROY}; one canary,
   * waves doubling, 10 in flight, halting when more than 20% of a wave fails.
   *
   * @throws ValidationException naming {@code kind} for a provisioning or promotion, which need more than a selection
   */
  public static FleetRequest of(RunKind kind) {
    Objects.requireNonNull(kind, "kind");
    if (kind == RunKind.PROVISION || kind == RunKind.PROMOTE) {
      throw new ValidationException("kind", kind + " cannot be applied to a fleet");
    }
    return new FleetRequest(kind, null, null, RunOptions.defaults(), List.of(), EnumSet.allOf(EnvironmentKind.class),
        1, 2, 10, 0.2, null);
  }

  /** A roll-out: an update of every selected environment (to a blueprint version, or with new parameters). */
  public static FleetRequest update() {
    return of(RunKind.UPDATE);
  }

  /** A drift scan: a refresh of every selected environment. */
  public static FleetRequest refresh() {
    return of(RunKind.REFRESH);
  }

  /**
   * Moves every selected environment of blueprint {@code name} to {@code version}; environments of other blueprints
   * are not selected, environments already on it or pinned are skipped.
   */
  public FleetRequest blueprintVersion(String name, int version) {
    Objects.requireNonNull(name, "blueprint");
    if (version < 1) {
      throw new ValidationException("blueprintVersion", "must be at least 1");
    }
    return new FleetRequest(kind, name, version, options.blueprintVersion(version), tenants, kinds, canary, growth,
        maxInFlight, failureThreshold, gate);
  }

  /** Selects only environments of blueprint {@code name}. */
  public FleetRequest blueprint(String name) {
    Objects.requireNonNull(name, "blueprint");
    if (!name.matches("[a-z][a-z0-9-]{0,39}")) {
      throw new ValidationException("blueprint", "a blueprint name is 1-40 of [a-z0-9-], starting with a letter");
    }
    return new FleetRequest(kind, name, version, options, tenants, kinds, canary, growth, maxInFlight,
        failureThreshold, gate);
  }

  /** A parameter every selected environment is updated with (as {@link RunOptions#parameter}). */
  public FleetRequest parameter(String name, Object value) {
    return new FleetRequest(kind, blueprint, version, options.parameter(name, value), tenants, kinds, canary, growth,
        maxInFlight, failureThreshold, gate);
  }

  /** Selects only these tenants' environments. */
  public FleetRequest tenants(String... ids) {
    List<String> copy = new ArrayList<>(tenants);
    for (String id : ids) {
      copy.add(Objects.requireNonNull(id, "tenant"));
    }
    return new FleetRequest(kind, blueprint, version, options, Collections.unmodifiableList(copy), kinds, canary,
        growth, maxInFlight, failureThreshold, gate);
  }

  /** Selects only environments of these kinds. */
  public FleetRequest kinds(EnvironmentKind... selected) {
    if (selected.length == 0) {
      throw new ValidationException("kinds", "name at least one kind");
    }
    Set<EnvironmentKind> set = EnumSet.noneOf(EnvironmentKind.class);
    for (EnvironmentKind k : selected) {
      set.add(Objects.requireNonNull(k, "kind"));
    }
    return new FleetRequest(kind, blueprint, version, options, tenants, Collections.unmodifiableSet(set), canary,
        growth, maxInFlight, failureThreshold, gate);
  }

  /** How many environments the first wave (the canary) has, at least 1. */
  public FleetRequest canary(int n) {
    if (n < 1) {
      throw new ValidationException("canary", "must be at least 1");
    }
    return new FleetRequest(kind, blueprint, version, options, tenants, kinds, n, growth, maxInFlight,
        failureThreshold, gate);
  }

  /** By how much each wave grows over the one before (1–10; 1 keeps waves the canary's size). */
  public FleetRequest growth(int factor) {
    if (factor < 1 || factor > 10) {
      throw new ValidationException("growth", "must be 1 to 10");
    }
    return new FleetRequest(kind, blueprint, version, options, tenants, kinds, canary, factor, maxInFlight,
        failureThreshold, gate);
  }

  /** How many runs of this operation may be in flight at once, across every engine (1–1,000). */
  public FleetRequest maxInFlight(int n) {
    if (n < 1 || n > 1000) {
      throw new ValidationException("maxInFlight", "must be 1 to 1000");
    }
    return new FleetRequest(kind, blueprint, version, options, tenants, kinds, canary, growth, n, failureThreshold,
        gate);
  }

  /**
   * The share of a wave's environments (0–1) that may fail before the operation halts — checked as runs finish, so
   * it halts within the wave that crosses it and the next wave never starts. 0 halts on the first failure.
   */
  public FleetRequest failureThreshold(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new ValidationException("failureThreshold", "must be between 0 and 1");
    }
    return new FleetRequest(kind, blueprint, version, options, tenants, kinds, canary, growth, maxInFlight, share,
        gate);
  }

  /** The {@link WaveGate} (registered under this name) that must pass after each wave. */
  public FleetRequest gate(String name) {
    Objects.requireNonNull(name, "gate");
    return new FleetRequest(kind, blueprint, version, options, tenants, kinds, canary, growth, maxInFlight,
        failureThreshold, name);
  }

  /** Who asks, recorded on every run. */
  public FleetRequest actor(String actor) {
    return new FleetRequest(kind, blueprint, version, options.actor(actor), tenants, kinds, canary, growth,
        maxInFlight, failureThreshold, gate);
  }

  /** Why, recorded on every run. */
  public FleetRequest reason(String reason) {
    return new FleetRequest(kind, blueprint, version, options.reason(reason), tenants, kinds, canary, growth,
        maxInFlight, failureThreshold, gate);
  }

  /** The approval live environments need for what live protection refuses otherwise (as {@link RunOptions#approval}). */
  public FleetRequest approval(String by, String why) {
    return new FleetRequest(kind, blueprint, version, options.approval(by, why), tenants, kinds, canary, growth,
        maxInFlight, failureThreshold, gate);
  }

  public RunKind kind() {
    return kind;
  }

  /** The blueprint selected, or null for every blueprint. */
  public String blueprintName() {
    return blueprint;
  }

  /** The version to move to, or null. */
  public Integer version() {
    return version;
  }

  /** The options every run gets (parameters, actor, reason, approval, version). */
  public RunOptions options() {
    return options;
  }

  /** The tenants selected, or empty for all. */
  public List<String> tenantIds() {
    return tenants;
  }

  /** The environment kinds selected. */
  public Set<EnvironmentKind> environmentKinds() {
    return kinds;
  }

  public int canarySize() {
    return canary;
  }

  public int growthFactor() {
    return growth;
  }

  public int inFlight() {
    return maxInFlight;
  }

  public double threshold() {
    return failureThreshold;
  }

  /** The gate's name, or null. */
  public String gateName() {
    return gate;
  }
}
