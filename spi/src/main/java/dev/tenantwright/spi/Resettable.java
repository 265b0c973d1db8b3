package dev.tenantwright.spi;

/**
 * A {@link ResourceType} that can return an object to its clean provisioned state (restore a baseline
 * snapshot or backup) faster than destroy plus create.
 *
 * @param <S> the spec record
 * @param <O> the output record
 */
public interface Resettable<S, O> {

  /** Restores the object's baseline; must converge when called twice. Returns the outputs afterwards. */
  O reset(S spec, O outputs, StepContext ctx);
}
