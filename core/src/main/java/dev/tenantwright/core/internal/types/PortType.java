package dev.tenantwright.core.internal.types;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Resettable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code port} type: a host port unique across all tenants, e.g. for an Incus proxy device or a
 * container's published port.
 *
 * <p>Ports are leased from a {@link PortAllocator} under the key (environment id, resource name); because a
 * lease is idempotent, a retried or resumed create gets the same port. Delete gives the port back. Stateless
 * and thread-safe.
 */
public final class PortType implements ResourceType<PortSpec, PortOutputs>,
    Resettable<PortSpec, PortOutputs> {

  /** The blueprint type name. */
  public static final String TYPE = "port";

  private final PortAllocator allocator;
  private final PortRange range;

  /**
   * Creates the type.
   *
   * @param allocator where leases are kept
   * @param range the range a spec without bounds allocates from
   */
  public PortType(PortAllocator allocator, PortRange range) {
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.range = Objects.requireNonNull(range, "range");
  }

  /** The key environments are leased under: {@code tenantId + "/" + environmentName}. */
  static String environmentId(StepContext ctx) {
    return ctx.environment().tenantId() + "/" + ctx.environment().name();
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<PortSpec> specType() {
    return PortSpec.class;
  }

  @Override
  public Class<PortOutputs> outputType() {
    return PortOutputs.class;
  }

  @Override
  public CreateResult<PortOutputs> create(PortSpec spec, StepContext ctx) {
    PortRange r = range.narrow(spec);
    int port = allocator.allocate(environmentId(ctx), ctx.stepName(), r.from(), r.to());
    return CreateResult.created(new PortOutputs(port));
  }

  @Override
  public Optional<PortOutputs> read(PortSpec spec, PortOutputs outputs, StepContext ctx) {
    OptionalInt port = allocator.find(environmentId(ctx), ctx.stepName());
    return port.isPresent() ? Optional.of(new PortOutputs(port.getAsInt())) : Optional.empty();
  }

  @Override
  public void delete(PortSpec spec, PortOutputs outputs, StepContext ctx) {
    allocator.release(environmentId(ctx), ctx.stepName());
  }

  /** Resetting an environment keeps its host port, so its access URL stays the same. */
  @Override
  public PortOutputs reset(PortSpec spec, PortOutputs outputs, StepContext ctx) {
    return outputs;
  }
}
