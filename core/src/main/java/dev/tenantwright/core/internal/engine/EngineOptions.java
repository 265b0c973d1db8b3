package dev.tenantwright.core.internal.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The engine's tunables, fixed at build time.
 *
 * @param maxParallelSteps how many steps may call backends at once across all runs
 * @param backendLimits per-backend limits on concurrent calls (e.g. {@code vercel → 4})
 * @param stepTimeout the default deadline of a step (all attempts together)
 * @param maxAttempts the default cap on attempts of a step ({@link Integer#MAX_VALUE}: retry until the deadline)
 * @param backoffBase the first retry's maximum wait (full jitter doubles it each attempt)
 * @param backoffCap the largest wait between attempts (a Retry-After may exceed it, up to the deadline)
 * @param progressInterval how often at most a step's progress is written to the journal
 * @param owner this engine's identity for run leases
 * @param leaseDuration how long a claimed run stays ours without a heartbeat
 * @param clock the clock
 * @param sharedBackendLimits per-backend limits that hold across every engine on the database
 * @param stallBackoff how long a run that cannot be resumed waits before an engine tries again
 * @param backendRates per-backend step attempts started per second at most, evenly spaced
 * @param virtualThreads whether steps run on virtual threads where the JVM allows (Java 24+)
 */
public record EngineOptions(
    int maxParallelSteps,
    Map<String, Integer> backendLimits,
    Duration stepTimeout,
    int maxAttempts,
    Duration backoffBase,
    Duration backoffCap,
    Duration progressInterval,
    String owner,
    Duration leaseDuration,
    Clock clock,
    Map<String, Integer> sharedBackendLimits,
    Duration stallBackoff,
    Map<String, Double> backendRates,
    boolean virtualThreads) {

  public EngineOptions {
    if (maxParallelSteps < 1) {
      throw new IllegalArgumentException("maxParallelSteps must be at least 1");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    backendLimits = Map.copyOf(backendLimits);
    sharedBackendLimits = Map.copyOf(sharedBackendLimits);
    backendRates = Map.copyOf(backendRates);
  }
}
