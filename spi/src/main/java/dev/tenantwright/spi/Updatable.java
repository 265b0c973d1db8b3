package dev.tenantwright.spi;

/**
 * A {@link ResourceType} that can change an existing object in place instead of delete plus create.
 *
 * @param <S> the spec record
 * @param <O> the output record
 */
public interface Updatable<S, O> {

  /**
   * Brings the object in line with {@code spec}; must converge when called twice.
   *
   * @param spec the desired spec
   * @param previous the spec the object was last created or updated with
   * @param outputs the outputs recorded for the object
   * @return the new outputs
   */
  O update(S spec, S previous, O outputs, StepContext ctx);
}
