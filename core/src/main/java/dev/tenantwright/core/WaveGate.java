package dev.tenantwright.core;

import java.util.List;
import java.util.Optional;

/**
 * A host's check after each wave of a {@link Fleet fleet} operation, before the next wave starts: smoke tests, error
 * rates from the host's monitoring, a human's go. Registered by name with {@link Tenantwright.Builder#waveGate} and
 * named in {@link FleetRequest#gate}, so an operation resumed by another engine after a crash finds it again.
 *
 * <p>Called on an engine's fleet thread, possibly again for the same wave after a crash: it must be idempotent and
 * should return within seconds. A gate that throws holds the operation (it is asked again on the next round).
 */
@FunctionalInterface
public interface WaveGate {

  /**
   * Decides whether the operation may go on.
   *
   * @param operation the operation as it is now
   * @param wave the wave that just finished
   * @param succeeded the environments of that wave whose runs succeeded
   * @return empty to go on, or why the operation halts
   */
  Optional<String> check(FleetOperation operation, int wave, List<FleetItem> succeeded);
}
