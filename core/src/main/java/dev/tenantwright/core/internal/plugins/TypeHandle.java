package dev.tenantwright.core.internal.plugins;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.StepContext;
import java.util.Optional;

/**
 * One blueprint type as the engine sees it: a {@link dev.tenantwright.spi.ResourceType} or a
 * {@link dev.tenantwright.spi.ProvisioningStep} behind a single untyped surface.
 *
 * <p>Instances are immutable and thread-safe. Specs and outputs are instances of {@link #specType()} and
 * {@link #outputType()}; the engine binds and serialises them. Create instances with {@link TypeHandles}:
 * its adapters check argument classes (a wrong class is an {@link IllegalArgumentException}), turn a null
 * result from a plugin into a {@link dev.tenantwright.spi.PermanentException}, and run plugin code with the
 * plugin's class loader as the thread's context class loader. Calling an operation whose {@code canX()} is
 * false throws {@link IllegalStateException} naming the type.
 */
public interface TypeHandle {

  /** The blueprint type name, e.g. {@code vercel.project} or {@code secret}. */
  String type();

  /** The backend name, for concurrency limits and the configuration section. */
  String backend();

  /**
   * The id of the plugin that contributed the type, or {@code "core"} / {@code "host"}, or
   * {@code "classpath"} for a PF4J extension indexed on the application classpath.
   */
  String origin();

  /** The record the backend's configuration section binds to, or null when the type needs none. */
  Class<?> configType();

  /** The spec (or parameter) record class. */
  Class<?> specType();

  /** The output record class. */
  Class<?> outputType();

  /** Whether the type holds customer data. */
  boolean dataBearing();

  /** Whether this is a {@link dev.tenantwright.spi.ProvisioningStep} (no backend object to read). */
  boolean isStep();

  /** Creates or adopts the object; for a provisioning step, applies it (always {@code CREATED}). */
  CreateResult<Object> create(Object spec, StepContext ctx);

  /** For a provisioning step: the recorded outputs if there are any, else empty. */
  Optional<Object> read(Object spec, Object outputs, StepContext ctx);

  /** Delete, or for a provisioning step, compensate. */
  void delete(Object spec, Object outputs, StepContext ctx);

  /** Whether {@link #update} is supported (the resource type implements {@code Updatable}). */
  boolean canUpdate();

  /** Updates in place; throws {@link IllegalStateException} unless {@link #canUpdate()}. */
  Object update(Object spec, Object previous, Object outputs, StepContext ctx);

  /** Whether {@link #reset} is supported (the resource type implements {@code Resettable}). */
  boolean canReset();

  /** Restores the baseline; throws {@link IllegalStateException} unless {@link #canReset()}. */
  Object reset(Object spec, Object outputs, StepContext ctx);

  /** Whether {@link #promote} is supported (the resource type implements {@code Promotable}). */
  boolean canPromote();

  /**
   * Promotes a test instance's object onto live; throws {@link IllegalStateException} unless
   * {@link #canPromote()}.
   */
  Object promote(Object liveSpec, Object liveOutputs, Object sourceSpec, Object sourceOutputs, StepContext ctx);
}
