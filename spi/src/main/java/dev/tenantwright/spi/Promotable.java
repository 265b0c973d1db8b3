package dev.tenantwright.spi;

/**
 * A {@link ResourceType} with a backend-native promotion (e.g. promoting a tested deployment), used when a
 * test instance's configuration is promoted to live. Without it, promotion is an update of the live object
 * with the test instance's spec. Data never moves.
 *
 * @param <S> the spec record
 * @param <O> the output record
 */
public interface Promotable<S, O> {

  /**
   * Promotes {@code source} (a READY test instance's object) onto the live object.
   *
   * @return the live object's new outputs
   */
  O promote(S liveSpec, O liveOutputs, S sourceSpec, O sourceOutputs, StepContext ctx);
}
