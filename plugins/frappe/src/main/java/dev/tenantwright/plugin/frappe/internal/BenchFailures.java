package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import java.util.List;
import java.util.Locale;

/**
 * Sorts a failed bench command into {@link RetryableException} or {@link PermanentException}.
 *
 * <p>bench reports every failure as exit code 1 with a Python traceback, so the exit code says nothing about
 * the cause; the output does. Retryable are the database being unreachable or busy (MariaDB errors 2002, 2003,
 * 2006, 2013, 1040, 1205, 1213), Redis being unreachable, a concurrent restore holding the site's lock, and the
 * transport failing (ssh's own exit code 255, an unreachable Docker daemon, a container that is restarting).
 * Everything else — a missing app, bad credentials, a duplicate, an invalid option — is permanent. A retryable
 * failure of a command that changes the site has an unknown outcome. Stateless.
 */
public final class BenchFailures {

  private static final List<String> RETRYABLE = List.of(
      "(2002,", "(2003,", "(2006,", "(2013,", "(1040,", "(1205,", "(1213,",
      "can't connect to mysql", "can't connect to local mysql", "can't connect to mariadb",
      "lost connection to mysql", "server has gone away", "too many connections", "lock wait timeout",
      "deadlock found", "redis.exceptions.connectionerror", "redis.exceptions.timeouterror",
      "locktimeouterror", "connection refused", "connection reset", "connection timed out",
      "temporarily unavailable", "cannot connect to the docker daemon", "is restarting", "is not running");

  private BenchFailures() {}

  /** The exception for a finished command that exited non-zero; the message is already redacted. */
  public static RuntimeException of(String what, CommandResult result, boolean mutating, boolean ssh) {
    String message = "bench " + what + " failed: " + result.describeFailure();
    if (retryable(result, ssh)) {
      return new RetryableException(message, null, mutating, null);
    }
    return new PermanentException(message);
  }

  /** Whether a failure is worth retrying. */
  public static boolean retryable(CommandResult result, boolean ssh) {
    if (ssh && result.exitCode() == 255) {
      return true;
    }
    String text = (result.stdout() + "\n" + result.stderr()).toLowerCase(Locale.ROOT);
    for (String marker : RETRYABLE) {
      if (text.contains(marker)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a failed site command says the site does not exist (frappe's {@code IncorrectSitePath}). */
  public static boolean siteMissing(CommandResult result, String site) {
    String text = result.stdout() + "\n" + result.stderr();
    return text.contains("IncorrectSitePath") || text.contains(site + " does not exist");
  }
}
