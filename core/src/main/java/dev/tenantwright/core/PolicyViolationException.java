package dev.tenantwright.core;

import dev.tenantwright.spi.TenantwrightException;

/**
 * A run refused by a policy before any side effect: a plan quota, live protection without an approval, or a
 * host's own veto. The message says which rule and, for quotas, the limit and the current count.
 */
public class PolicyViolationException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  private final String policy;

  /** Creates the exception for the named policy. */
  public PolicyViolationException(String policy, String message) {
    super(policy + ": " + message);
    this.policy = policy;
  }

  /** The policy that refused, e.g. {@code quota}, {@code live-protection} or a host policy's name. */
  public String policy() {
    return policy;
  }
}
