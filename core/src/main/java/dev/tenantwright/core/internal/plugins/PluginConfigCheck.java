package dev.tenantwright.core.internal.plugins;

import dev.tenantwright.core.PluginConfigException;
import dev.tenantwright.spi.PermanentException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the host's plugin configuration against the loaded types when the instance is built, so that a mistake
 * stops the start instead of failing every tenant's run: a section whose backend no type has, and for each type that
 * declares a configuration record, its section bound to that record (unknown keys, missing required values, values
 * that do not bind, a host library the record needs that is missing). A backend without a section is not an error: a
 * host may load more plugins, and more blueprints, than it configures (the quickstart loads every example blueprint
 * and configures the backends it is given). When a loaded blueprint uses such a backend and its record has required
 * values, the start logs a warning naming them, and that blueprint's runs fail with the same message.
 *
 * <p>Every problem is collected first, then one {@link PluginConfigException} lists them all.
 */
public final class PluginConfigCheck {

  private static final Logger LOG = LoggerFactory.getLogger(PluginConfigCheck.class);

  private PluginConfigCheck() {}

  /**
   * Checks {@code configs} against {@code types}.
   *
   * @param backendsInUse the backends of the types the loaded blueprints name
   * @throws PluginConfigException listing every problem
   */
  public static void check(Collection<TypeHandle> types, PluginConfigs configs, Set<String> backendsInUse) {
    List<String> problems = new ArrayList<>();
    Set<String> backends = new TreeSet<>();
    Map<String, Set<Class<?>>> records = new LinkedHashMap<>();
    for (TypeHandle t : types) {
      backends.add(t.backend());
      if (t.configType() != null) {
        records.computeIfAbsent(t.backend(), b -> new LinkedHashSet<>()).add(t.configType());
      }
    }
    for (String section : configs.sections()) {
      if (!backends.contains(section)) {
        problems.add("plugin config '" + section + "': no loaded plugin or type has this backend (backends: "
            + String.join(", ", backends) + ")");
      }
    }
    records.forEach((backend, classes) -> {
      for (Class<?> record : classes) {
        if (configs.sections().contains(backend)) {
          problems.addAll(problems(configs, backend, record));
        } else if (backendsInUse.contains(backend)) {
          List<String> missing = configs.missingKeys(backend, record);
          if (!missing.isEmpty()) {
            LOG.warn("plugin config '{}' is not given, but a loaded blueprint uses the backend: its runs will fail "
                + "until the section sets {}", backend, String.join(", ", missing));
          }
        }
      }
    });
    if (!problems.isEmpty()) {
      throw new PluginConfigException(problems);
    }
  }

  private static List<String> problems(PluginConfigs configs, String backend, Class<?> record) {
    List<String> found = new ArrayList<>();
    for (String field : configs.unknownKeys(backend, record)) {
      found.add("plugin config '" + backend + "', field '" + field + "': unknown (" + record.getSimpleName()
          + " has " + String.join(", ", PluginConfigs.fieldNames(record)) + ")");
    }
    for (String field : configs.missingKeys(backend, record)) {
      found.add("plugin config '" + backend + "', field '" + field + "': missing");
    }
    if (!found.isEmpty()) {
      return found;
    }
    try {
      configs.bind(backend, record);
    } catch (PermanentException e) {
      String library = HostLibraries.describeMissing(e);
      found.add(library != null ? "plugin config '" + backend + "': the plugin " + library : e.getMessage());
    } catch (LinkageError e) {
      String library = HostLibraries.describeMissing(e);
      found.add("plugin config '" + backend + "': the plugin "
          + (library != null ? library : "cannot load " + record.getName() + ": " + e));
    }
    return found;
  }
}
