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
final class ProvisioningStepHandle implements TypeHandle {

  private final ProvisioningStep<Object, Object> step;
  private final String name;
  private final String backend;
  private final String origin;
  private final Class<?> parametersType;
  private final Class<?> outputType;
  private final ContextLoader loader;

  @SuppressWarnings("unchecked")
  ProvisioningStepHandle(ProvisioningStep<?, ?> impl, String origin) {
    this.step = (ProvisioningStep<Object, Object>) impl;
    this.origin = origin;
    this.name = TypeHandles.requireName(impl.type(), TypeHandles.TYPE_NAME, "step name", impl, origin);
    int dot = name.indexOf('.');
    this.backend = dot < 0 ? name : name.substring(0, dot);
    this.parametersType = TypeHandles.requireClass(impl.parametersType(), "parameters type", name, origin);
    this.outputType = TypeHandles.requireClass(impl.outputType(), "output type", name, origin);
    this.loader = ContextLoader.of(impl);
  }

  @Override
  public String type() {
    return name;
  }

  /** The part of the step name before the first dot, e.g. {@code host} for {@code host.register-tenant}. */
  @Override
  public String backend() {
    return backend;
  }

  @Override
  public String origin() {
    return origin;
  }

  @Override
  public Class<?> specType() {
    return parametersType;
  }

  @Override
  public Class<?> outputType() {
    return outputType;
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
    Object p = requireParameters(spec);
    Object outputs = loader.call(() -> step.apply(p, ctx));
    if (outputs == null) {
      throw new PermanentException(
          "step '" + name + "' from " + TypeHandles.describeOrigin(origin) + " returned null from apply");
    }
    return CreateResult.created(requireOutputs(outputs));
  }

  @Override
  public Optional<Object> read(Object spec, Object outputs, StepContext ctx) {
    requireParameters(spec);
    return Optional.ofNullable(requireOutputs(outputs));
  }

  /** Compensates; {@code outputs} is null when the apply's outcome was never recorded. */
  @Override
  public void delete(Object spec, Object outputs, StepContext ctx) {
    Object p = requireParameters(spec);
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

  @Override
  public String toString() {
    return "step '" + name + "' from " + TypeHandles.describeOrigin(origin);
  }

  private Object requireParameters(Object parameters) {
    if (!parametersType.isInstance(parameters)) {
      throw new IllegalArgumentException("step '" + name + "' expects parameters of " + parametersType.getName()
          + ", got " + (parameters == null ? "null" : parameters.getClass().getName()));
    }
    return parameters;
  }

  private Object requireOutputs(Object outputs) {
    if (outputs != null && !outputType.isInstance(outputs)) {
      throw new IllegalArgumentException("step '" + name + "' expects outputs of " + outputType.getName()
          + ", got " + outputs.getClass().getName());
    }
    return outputs;
  }
}
