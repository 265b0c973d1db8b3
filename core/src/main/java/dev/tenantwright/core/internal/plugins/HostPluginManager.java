package dev.tenantwright.core.internal.plugins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.pf4j.DefaultPluginFactory;
import org.pf4j.DefaultPluginManager;
import org.pf4j.Plugin;
import org.pf4j.PluginFactory;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginStatusProvider;
import org.pf4j.PluginWrapper;

/**
 * PF4J's default manager, changed in three ways so that failures are decided by the host instead of being
 * logged and skipped: it records every plugin path that fails to load and every plugin whose
 * {@code Plugin-Requires} range excludes the system version (PF4J 3.15 only disables those and logs a
 * warning); it treats a missing {@code Plugin-Class} as a plain {@link Plugin}; and it reads plugins only
 * from the roots it is given, never from the {@code pf4j.pluginsDir} system property or {@code ./plugins}.
 *
 * <p>Used only by {@link PluginHost}; not thread-safe during loading.
 */
final class HostPluginManager extends DefaultPluginManager {

  /** A plugin path that did not load, and why. */
  record LoadFailure(Path path, RuntimeException cause) {}

  private final List<LoadFailure> loadFailures = Collections.synchronizedList(new ArrayList<>());
  private final List<PluginWrapper> refused = Collections.synchronizedList(new ArrayList<>());

  HostPluginManager(List<Path> roots) {
    super(new ArrayList<>(roots));
  }

  /** Plugin paths that failed to load, in the order tried. */
  List<LoadFailure> loadFailures() {
    return List.copyOf(loadFailures);
  }

  /** Plugins whose requires range excludes the system version. */
  List<PluginWrapper> refused() {
    return List.copyOf(refused);
  }

  /** Plugins come only from the roots the host names. */
  @Override
  protected List<Path> createPluginsRoot() {
    return new ArrayList<>();
  }

  /** With no plugin directory nothing is disabled; with one, PF4J's enabled.txt/disabled.txt apply. */
  @Override
  protected PluginStatusProvider createPluginStatusProvider() {
    if (getPluginsRoots().isEmpty()) {
      return new PluginStatusProvider() {
        @Override
        public boolean isPluginDisabled(String pluginId) {
          return false;
        }

        @Override
        public void disablePlugin(String pluginId) {
          throw new UnsupportedOperationException("plugins cannot be disabled without a plugin directory");
        }

        @Override
        public void enablePlugin(String pluginId) {
          // Nothing is ever disabled, so there is nothing to enable.
        }
      };
    }
    return super.createPluginStatusProvider();
  }

  @Override
  protected PluginFactory createPluginFactory() {
    return new OptionalClassPluginFactory();
  }

  @Override
  protected PluginWrapper loadPluginFromPath(Path pluginPath) {
    try {
      return super.loadPluginFromPath(pluginPath);
    } catch (RuntimeException e) {
      loadFailures.add(new LoadFailure(pluginPath, e));
      throw e;
    }
  }

  @Override
  protected boolean isPluginValid(PluginWrapper pluginWrapper) {
    boolean valid = super.isPluginValid(pluginWrapper);
    if (!valid && !refused.contains(pluginWrapper)) {
      refused.add(pluginWrapper);
    }
    return valid;
  }

  /** Creates the {@code Plugin-Class} if one is named, a no-op {@link Plugin} otherwise; never returns null. */
  private static final class OptionalClassPluginFactory extends DefaultPluginFactory {
    @Override
    public Plugin create(PluginWrapper pluginWrapper) {
      String className = pluginWrapper.getDescriptor().getPluginClass();
      if (className == null || className.isBlank()) {
        return new Plugin();
      }
      Plugin plugin = super.create(pluginWrapper);
      if (plugin == null) {
        throw new PluginRuntimeException("cannot create Plugin-Class '" + className
            + "': it must exist in the plugin, extend org.pf4j.Plugin and have a public constructor");
      }
      return plugin;
    }
  }
}
