package dev.tenantwright.core.internal.plugins;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.StepContext;
import java.util.Optional;

/**
 * A {@link ProvisioningStep} behind the {@link TypeHandle} surface: {@code create} applies it (always
 * {@linkplain CreateResult.Origin#CREATED created}, so rollback compensates it), {@code read} returns the
 * recorded outputs because there is no backend object to look at, and {@code delete} compensates.
 *
 * <p>Steps cannot update, reset or promote: a changed step is compensated and applied again. Immutable and
 * thread-safe.
 */
final class ProvisioningStepHandle extends HandleBase {

  private final ProvisioningStep<Object, Object> step;

  ProvisioningStepHandle(ProvisioningStep<?, ?> impl, String origin) {
    this(impl, origin, TypeHandles.requireName(impl.type(), TypeHandles.TYPE_NAME, "step name", impl, origin));
  }

  @SuppressWarnings("unchecked")
  private ProvisioningStepHandle(ProvisioningStep<?, ?> impl, String origin, String name) {
    super("step", "parameters", name, name.indexOf('.') < 0 ? name : name.substring(0, name.indexOf('.')), origin,
        TypeHandles.requireClass(impl.parametersType(), "parameters type", name, origin),
        TypeHandles.requireClass(impl.outputType(), "output type", name, origin), impl.configType(),
        ContextLoader.of(impl));
    this.step = (ProvisioningStep<Object, Object>) impl;
  }

  @Override
  public boolean dataBearing() {
    return false;
  }

  @Override
  public boolean isStep() {
    return true;
  }

  @Override
  public CreateResult<Object> create(Object spec, StepContext ctx) {
    Object p = requireSpec(spec);
    Object outputs = loader.call(() -> step.apply(p, ctx));
    if (outputs == null) {
      throw new PermanentException(
          "step '" + name + "' from " + TypeHandles.describeOrigin(origin) + " returned null from apply");
    }
    return CreateResult.created(requireOutputs(outputs));
  }

  @Override
  public Optional<Object> read(Object spec, Object outputs, StepContext ctx) {
    requireSpec(spec);
    return Optional.ofNullable(requireOutputs(outputs));
  }

  /** Compensates; {@code outputs} is null when the apply's outcome was never recorded. */
  @Override
  public void delete(Object spec, Object outputs, StepContext ctx) {
    Object p = requireSpec(spec);
    Object o = requireOutputs(outputs);
    loader.run(() -> step.compensate(p, o, ctx));
  }

  @Override
  public boolean canUpdate() {
    return false;
  }

  @Override
  public Object update(Object spec, Object previous, Object outputs, StepContext ctx) {
    throw new IllegalStateException("step '" + name + "' cannot update in place");
  }

  @Override
  public boolean canReset() {
    return false;
  }

  @Override
  public Object reset(Object spec, Object outputs, StepContext ctx) {
    throw new IllegalStateException("step '" + name + "' cannot reset");
  }

  @Override
  public boolean canPromote() {
    return false;
  }

  @Override
  public Object promote(
      Object liveSpec, Object liveOutputs, Object sourceSpec, Object sourceOutputs, StepContext ctx) {
    throw new IllegalStateException("step '" + name + "' cannot promote");
  }
}
