package dev.tenantwright.core;

import dev.tenantwright.core.internal.text.Text;
import java.util.Objects;

/**
 * An explicit, audited permission for something live protection refuses by default: resetting or
 * destroying live, or a destructive step on live. Recorded in the run's events (who and why).
 *
 * @param by who approved (a person or change-ticket owner)
 * @param reason why
 */
public record Approval(String by, String reason) {

  /** Validates that both are given. */
  public Approval {
    if (by == null || by.isBlank()) {
      throw new ValidationException("approval.by", "says who approved and must not be blank");
    }
    if (reason == null || reason.isBlank()) {
      throw new ValidationException("approval.reason", "says why and must not be blank");
    }
    by = by.strip();
    reason = reason.strip();
    if (by.length() > 200 || !Text.printable(by)) {
      throw new ValidationException("approval.by", "must be at most 200 printable characters");
    }
    if (reason.length() > 1000 || !Text.printable(reason)) {
      throw new ValidationException("approval.reason", "must be at most 1,000 printable characters");
    }
  }

  /** An approval by {@code by} for {@code reason}. */
  public static Approval of(String by, String reason) {
    return new Approval(Objects.requireNonNull(by, "by"), Objects.requireNonNull(reason, "reason"));
  }
}
