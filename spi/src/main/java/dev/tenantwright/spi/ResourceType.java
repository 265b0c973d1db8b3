package dev.tenantwright.spi;

import java.util.Optional;
import org.pf4j.ExtensionPoint;

/**
 * A kind of backend object Tenantwright can create, read, update and delete — the extension point every
 * backend plugin implements, one {@code @Extension} per type.
 *
 * <p>Specs ({@code S}) and outputs ({@code O}) are plain records; the engine binds specs from blueprint
 * parameters and stores outputs in the journal as JSON ({@link Secret} fields encrypted). Implementations
 * are stateless singletons called from many threads; every call must converge:
 * <ul>
 *   <li>{@code create} derives names from {@link StepContext#resourceName()} so a second call finds what the
 *       first made, and reports {@linkplain CreateResult#created created} or
 *       {@linkplain CreateResult#adopted adopted};
 *   <li>{@code delete} treats "already gone" as success;
 *   <li>{@code read} reports what exists now, or empty.
 * </ul>
 * Failures are {@link RetryableException} or {@link PermanentException}. Optional capabilities are the
 * mix-ins {@link Updatable}, {@link Resettable} and {@link Promotable}; without {@code Updatable} a
 * changed spec is delete plus create.
 *
 * <pre>{@code
 * @Extension
 * public final class VercelProjectType implements ResourceType<ProjectSpec, ProjectOutputs> {
 *   public String type() { return "vercel.project"; }
 *   public Class<ProjectSpec> specType() { return ProjectSpec.class; }
 *   public Class<ProjectOutputs> outputType() { return ProjectOutputs.class; }
 *   ...
 * }
 * }</pre>
 *
 * @param <S> the spec record, bound from blueprint parameters
 * @param <O> the output record, stored in the journal and referable as {@code ${resource.field}}
 */
public interface ResourceType<S, O> extends ExtensionPoint {

  /** The type name blueprints use: {@code <backend>.<kind>}, e.g. {@code vercel.project}. */
  String type();

  /** The spec record class. */
  Class<S> specType();

  /** The output record class. */
  Class<O> outputType();

  /**
   * The backend this type talks to, used for per-backend concurrency limits and to find the plugin's
   * configuration section; by default the part of {@link #type()} before the first dot.
   */
  default String backend() {
    String t = type();
    int dot = t.indexOf('.');
    return dot < 0 ? t : t.substring(0, dot);
  }

  /**
   * The record this type's configuration section binds to — what it passes to {@link StepContext#config(Class)} —
   * or null when it needs no configuration. The host binds the section to it when the instance is built, so an
   * unknown key, a missing value or a bad duration fails the start, listed with every other problem, instead of
   * every tenant's run later.
   */
  default Class<?> configType() {
    return null;
  }

  /**
   * Whether objects of this type hold customer data (a database, a volume). Data-bearing resources are
   * never copied from demo or test into live, and destroying one on live needs an approval.
   */
  default boolean dataBearing() {
    return false;
  }

  /** Creates the object, or finds and adopts the one an earlier call made. */
  CreateResult<O> create(S spec, StepContext ctx);

  /**
   * Reads the object as it is now.
   *
   * @param outputs what the journal recorded, or null when a create's outcome is unknown (after a crash)
   * @return the current outputs, or empty if the object does not exist
   */
  Optional<O> read(S spec, O outputs, StepContext ctx);

  /** Deletes the object; an object that is already gone is success. */
  void delete(S spec, O outputs, StepContext ctx);
}
