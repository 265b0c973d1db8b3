package dev.tenantwright.core;

/**
 * A host's own rule that can veto a run before anything happens (a billing check, a change freeze, a
 * region rule). Runs after the built-in quota and live-protection checks.
 *
 * <p>Implementations are called on the caller's thread of {@code provision}/{@code update}/...; throw
 * {@link PolicyViolationException} to refuse, with a message the user can act on.
 *
 * <pre>{@code
 * Policy freeze = req -> {
 *   if (req.kind() == EnvironmentKind.LIVE && changeFreeze.active()) {
 *     throw new PolicyViolationException("change-freeze", "live is frozen until " + changeFreeze.until());
 *   }
 * };
 * Tenantwright.builder().policy(freeze);
 * }</pre>
 */
@FunctionalInterface
public interface Policy {

  /** Checks a run about to start; throws {@link PolicyViolationException} to refuse it. */
  void check(PolicyRequest request);
}
