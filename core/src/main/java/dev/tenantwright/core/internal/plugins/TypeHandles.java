package dev.tenantwright.core.internal.plugins;

import dev.tenantwright.core.PluginLoadException;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.ResourceType;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Wraps {@link ResourceType} and {@link ProvisioningStep} implementations as {@link TypeHandle}s, validating
 * their names on the way in.
 *
 * <p>Every path into the {@link TypeRegistry} (core types, host registrations, PF4J extensions) goes through
 * here, so a type with a bad name or a type that cannot describe itself is refused once, at start-up, with a
 * {@link PluginLoadException} that names the origin — never later in the middle of a run.
 */
public final class TypeHandles {

  /** What a type name must look like: lowercase dot-separated segments, e.g. {@code vercel.project}. */
  public static final Pattern TYPE_NAME = Pattern.compile("^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*$");

  /** What a backend name must look like: one lowercase segment, e.g. {@code vercel}. */
  public static final Pattern BACKEND_NAME = Pattern.compile("^[a-z][a-z0-9-]*$");

  /** The origin of types that ship with core. */
  public static final String CORE = "core";

  /** The origin of types the host application registers in code. */
  public static final String HOST = "host";

  /** The origin of PF4J extensions found on the application classpath rather than in a plugin jar. */
  public static final String CLASSPATH = "classpath";

  private TypeHandles() {}

  /**
   * Wraps a resource type; its optional capabilities ({@code Updatable}, {@code Resettable},
   * {@code Promotable}) are detected from the interfaces it implements.
   *
   * @param origin the plugin id, or {@link #CORE}, {@link #HOST} or {@link #CLASSPATH}
   * @throws PluginLoadException if the type's name, backend or record classes are invalid
   */
  public static TypeHandle forResource(ResourceType<?, ?> type, String origin) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(origin, "origin");
    return describe(() -> new ResourceTypeHandle(type, origin), type, origin);
  }

  /**
   * Wraps a provisioning step.
   *
   * @param origin the plugin id, or {@link #CORE}, {@link #HOST} or {@link #CLASSPATH}
   * @throws PluginLoadException if the step's name or record classes are invalid
   */
  public static TypeHandle forStep(ProvisioningStep<?, ?> step, String origin) {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(origin, "origin");
    return describe(() -> new ProvisioningStepHandle(step, origin), step, origin);
  }

  /** Describes an origin for messages: {@code plugin 'x'} for plugin ids, the bare word for the others. */
  static String describeOrigin(String origin) {
    return switch (origin) {
      case CORE, HOST, CLASSPATH -> origin;
      default -> "plugin '" + origin + "'";
    };
  }

  /** Checks a name read from an implementation; returns it. */
  static String requireName(String name, Pattern pattern, String what, Object impl, String origin) {
    if (name == null) {
      throw new PluginLoadException(
          impl.getClass().getName() + " from " + describeOrigin(origin) + " returned no " + what);
    }
    if (!pattern.matcher(name).matches()) {
      throw new PluginLoadException(what + " '" + name + "' of " + impl.getClass().getName() + " from "
          + describeOrigin(origin) + " is invalid: it must match " + pattern.pattern());
    }
    return name;
  }

  /** Checks a record class read from an implementation; returns it. */
  static Class<?> requireClass(Class<?> type, String what, String typeName, String origin) {
    if (type == null) {
      throw new PluginLoadException(
          "type '" + typeName + "' from " + describeOrigin(origin) + " returned no " + what);
    }
    return type;
  }

  private static TypeHandle describe(Supplier<TypeHandle> make, Object impl, String origin) {
    try {
      return make.get();
    } catch (PluginLoadException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      throw new PluginLoadException("cannot describe " + impl.getClass().getName() + " from "
          + describeOrigin(origin) + ": " + e, e);
    }
  }
}
