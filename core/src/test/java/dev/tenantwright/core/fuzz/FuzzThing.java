package dev.tenantwright.core.fuzz;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@code fuzz.thing}: an in-memory backend whose objects the fuzz tests count before and after each case. */
final class FuzzThing implements ResourceType<FuzzThing.Spec, FuzzThing.Out> {

  /** The spec: a text value and an optional size. */
  record Spec(String value, @Nullable Integer size) {}

  /** The outputs. */
  record Out(String id, String value) {}

  final Map<String, String> objects = new ConcurrentHashMap<>();

  @Override
  public String type() {
    return "fuzz.thing";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<Out> outputType() {
    return Out.class;
  }

  @Override
  public CreateResult<Out> create(Spec spec, StepContext ctx) {
    String previous = objects.putIfAbsent(ctx.resourceName(), ctx.ownershipMarker());
    Out out = new Out(ctx.resourceName(), spec.value());
    return previous == null || ctx.isOurs(previous) ? CreateResult.created(out) : CreateResult.adopted(out);
  }

  @Override
  public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) {
    return objects.containsKey(ctx.resourceName()) ? Optional.of(new Out(ctx.resourceName(), spec.value()))
        : Optional.empty();
  }

  @Override
  public void delete(Spec spec, Out outputs, StepContext ctx) {
    objects.remove(ctx.resourceName());
  }
}
