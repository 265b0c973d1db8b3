package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.plugin.frappe.FrappeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The process that runs on the bench host for one {@link BenchCommand}: {@code bench} and its arguments, wrapped —
 * when {@link FrappeConfig#processGuards()} is on — in the two guards that keep a bench process from outliving its
 * client:
 * <pre>{@code
 * flock -E 75 -w WAIT sites/.tenantwright-SITE.lock timeout -k GRACE LIMIT bench ARGS...
 * }</pre>
 *
 * <p>Why: killing a {@code docker exec} or ssh client does not stop the process it started (moby/moby#9098 and
 * #35703: an exec'd process cannot be killed through the API; kubernetes#89031 for the same pattern; an ssh
 * session that drops leaves its command running), and a Tenantwright host that dies leaves even a local bench
 * running. {@code timeout} (coreutils) stops bench on the bench host after {@code LIMIT}, chosen so that
 * {@code WAIT + LIMIT + 2 * GRACE} stays within the client's own timeout: bench is gone before the client gives up.
 * {@code flock} (util-linux) holds the site's lock for as long as bench — and anything it started — runs, so a retry
 * whose client lost an earlier attempt waits for that attempt's bench process instead of dropping a site that is
 * still being installed; after {@code WAIT} it gives up with exit code {@value #LOCK_BUSY} without running bench.
 * The lock file lies in {@code sites/}, which frappe_docker keeps on a volume; frappe's {@code get_sites()} lists
 * only directories there, so the file is never taken for a site. Stateless.
 */
final class HostProcess {

  /** {@code flock -E}: bench did not run, another process holds the site's lock. */
  static final int LOCK_BUSY = 75;
  /** {@code timeout}: bench ran past its limit and was stopped with SIGTERM. */
  static final int TIMED_OUT = 124;
  /** {@code timeout -k}: bench ignored SIGTERM and was killed. */
  static final int KILLED = 137;

  private HostProcess() {}

  /** The limits for a client that waits {@code timeout}. */
  record Limits(Duration lockWait, Duration grace, Duration limit) {

    static Limits of(Duration timeout) {
      Duration grace = clamp(timeout.dividedBy(20), Duration.ofSeconds(1), Duration.ofSeconds(10));
      Duration wait = clamp(timeout.dividedBy(10), Duration.ofSeconds(1), Duration.ofSeconds(60));
      Duration limit = timeout.minus(wait).minus(grace.multipliedBy(2));
      return new Limits(wait, grace, limit.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : limit);
    }

    private static Duration clamp(Duration d, Duration min, Duration max) {
      return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }
  }

  /** The lock file of {@code site}, relative to the bench directory. */
  static String lockFile(String site) {
    return "sites/.tenantwright-" + site + ".lock";
  }

  /**
   * The words of the process: plain strings and {@link BenchCommand.SecretArg}s, for a transport to turn into an
   * argv or a shell script.
   */
  static List<Object> words(FrappeConfig config, BenchCommand bench, Duration timeout) {
    List<Object> words = new ArrayList<>();
    if (config.processGuards()) {
      Limits limits = Limits.of(timeout);
      if (bench.lockedSite() != null) {
        words.addAll(List.of("flock", "-E", String.valueOf(LOCK_BUSY), "-w", seconds(limits.lockWait()),
            lockFile(bench.lockedSite())));
      }
      words.addAll(List.of("timeout", "-k", seconds(limits.grace()) + "s", seconds(limits.limit()) + "s"));
    }
    words.add(config.benchCommand());
    words.addAll(bench.args());
    return words;
  }

  /** The limit bench runs under for a client that waits {@code timeout}, for messages. */
  static Duration limit(Duration timeout) {
    return Limits.of(timeout).limit();
  }

  private static String seconds(Duration d) {
    return String.valueOf(Math.max(1, d.getSeconds()));
  }
}
