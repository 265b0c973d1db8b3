package dev.tenantwright.core.internal.plugins;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Promotable;
import dev.tenantwright.spi.Resettable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.util.Optional;

/**
 * A {@link ResourceType} behind the untyped {@link TypeHandle} surface; capabilities come from the mix-ins
 * it implements.
 *
 * <p>Name, backend and record classes are read once, at construction, so a plugin cannot change them later.
 * Immutable and thread-safe (as thread-safe as the wrapped type, which the SPI requires to be).
 */
final class ResourceTypeHandle extends HandleBase {

  private final ResourceType<Object, Object> type;
  private final boolean dataBearing;
  private final Updatable<Object, Object> updatable;
  private final Resettable<Object, Object> resettable;
  private final Promotable<Object, Object> promotable;

  ResourceTypeHandle(ResourceType<?, ?> impl, String origin) {
    this(impl, origin, TypeHandles.requireName(impl.type(), TypeHandles.TYPE_NAME, "type name", impl, origin));
  }

  @SuppressWarnings("unchecked")
  private ResourceTypeHandle(ResourceType<?, ?> impl, String origin, String name) {
    super("type", "a spec", name,
        TypeHandles.requireName(impl.backend(), TypeHandles.BACKEND_NAME, "backend name", impl, origin), origin,
        TypeHandles.requireClass(impl.specType(), "spec type", name, origin),
        TypeHandles.requireClass(impl.outputType(), "output type", name, origin), impl.configType(),
        ContextLoader.of(impl));
    this.type = (ResourceType<Object, Object>) impl;
    this.dataBearing = impl.dataBearing();
    this.updatable = impl instanceof Updatable<?, ?> u ? (Updatable<Object, Object>) u : null;
    this.resettable = impl instanceof Resettable<?, ?> r ? (Resettable<Object, Object>) r : null;
    this.promotable = impl instanceof Promotable<?, ?> p ? (Promotable<Object, Object>) p : null;
  }

  @Override
  public boolean dataBearing() {
    return dataBearing;
  }

  @Override
  public boolean isStep() {
    return false;
  }

  @Override
  public CreateResult<Object> create(Object spec, StepContext ctx) {
    Object s = requireSpec(spec);
    CreateResult<Object> result = loader.call(() -> type.create(s, ctx));
    return requireResult(result, "create");
  }

  @Override
  public Optional<Object> read(Object spec, Object outputs, StepContext ctx) {
    Object s = requireSpec(spec);
    Object o = requireOutputs(outputs);
    Optional<Object> result = loader.call(() -> type.read(s, o, ctx));
    return requireResult(result, "read");
  }

  @Override
  public void delete(Object spec, Object outputs, StepContext ctx) {
    Object s = requireSpec(spec);
    Object o = requireOutputs(outputs);
    loader.run(() -> type.delete(s, o, ctx));
  }

  @Override
  public boolean canUpdate() {
    return updatable != null;
  }

  @Override
  public Object update(Object spec, Object previous, Object outputs, StepContext ctx) {
    if (updatable == null) {
      throw new IllegalStateException("type '" + name + "' cannot update in place");
    }
    Object s = requireSpec(spec);
    Object p = requireSpec(previous);
    Object o = requireOutputs(outputs);
    return requireResult(loader.call(() -> updatable.update(s, p, o, ctx)), "update");
  }

  @Override
  public boolean canReset() {
    return resettable != null;
  }

  @Override
  public Object reset(Object spec, Object outputs, StepContext ctx) {
    if (resettable == null) {
      throw new IllegalStateException("type '" + name + "' cannot reset");
    }
    Object s = requireSpec(spec);
    Object o = requireOutputs(outputs);
    return requireResult(loader.call(() -> resettable.reset(s, o, ctx)), "reset");
  }

  @Override
  public boolean canPromote() {
    return promotable != null;
  }

  @Override
  public Object promote(
      Object liveSpec, Object liveOutputs, Object sourceSpec, Object sourceOutputs, StepContext ctx) {
    if (promotable == null) {
      throw new IllegalStateException("type '" + name + "' cannot promote");
    }
    Object ls = requireSpec(liveSpec);
    Object lo = requireOutputs(liveOutputs);
    Object ss = requireSpec(sourceSpec);
    Object so = requireOutputs(sourceOutputs);
    return requireResult(loader.call(() -> promotable.promote(ls, lo, ss, so, ctx)), "promote");
  }

  private <T> T requireResult(T result, String operation) {
    if (result == null) {
      throw new PermanentException(
          "type '" + name + "' from " + TypeHandles.describeOrigin(origin) + " returned null from " + operation);
    }
    return result;
  }
}
