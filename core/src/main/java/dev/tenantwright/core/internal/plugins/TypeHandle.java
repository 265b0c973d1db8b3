package dev.tenantwright.core.internal.plugins;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.StepContext;
import java.util.Optional;

/**
 * One blueprint type as the engine sees it: a {@link dev.tenantwright.spi.ResourceType} or a
 * {@link dev.tenantwright.spi.ProvisioningStep} behind a single untyped surface.
 *
 * <p>Instances are immutable and thread-safe. Specs and outputs are instances of {@link #specType()} and
 * {@link #outputType()}; the engine binds and serialises them.
 */
public interface TypeHandle {

  /** The blueprint type name, e.g. {@code vercel.project} or {@code secret}. */
  String type();

  /** The backend name, for concurrency limits and the configuration section. */
  String backend();

  /** The id of the plugin that contributed the type, or {@code "core"} / {@code "host"}. */
  String origin();

  /** The spec (or parameter) record class. */
  Class<?> specType();

  /** The output record class. */
  Class<?> outputType();

  /** Whether the type holds customer data. */
  boolean dataBearing();

  /** Whether this is a {@link dev.tenantwright.spi.ProvisioningStep} (no backend object to read). */
  boolean isStep();

  CreateResult<Object> create(Object spec, StepContext ctx);

  /** For a provisioning step: the recorded outputs if there are any, else empty. */
  Optional<Object> read(Object spec, Object outputs, StepContext ctx);

  /** Delete, or for a provisioning step, compensate. */
  void delete(Object spec, Object outputs, StepContext ctx);

  boolean canUpdate();

  Object update(Object spec, Object previous, Object outputs, StepContext ctx);

  boolean canReset();

  Object reset(Object spec, Object outputs, StepContext ctx);

  boolean canPromote();

  Object promote(Object liveSpec, Object liveOutputs, Object sourceSpec, Object sourceOutputs, StepContext ctx);
}
