package dev.tenantwright.core.internal.plugins;

import dev.tenantwright.core.PluginLoadException;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.SpiVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads PF4J plugins — from a directory of plugin jars or zips, and optionally the extensions indexed on the
 * application classpath — and collects their {@link ResourceType} and {@link ProvisioningStep} extensions as
 * {@link TypeHandle}s.
 *
 * <p>Loading is all or nothing: a plugin whose {@code Plugin-Requires} range excludes
 * {@link SpiVersion#CURRENT}, a jar that does not load, a plugin that fails to start or an extension that
 * cannot be created makes {@link #start} throw a {@link PluginLoadException} naming the plugin, after
 * stopping whatever had started. PF4J itself only logs such failures; a host that quietly runs without a
 * backend would fail much later, in the middle of a tenant's provisioning run.
 *
 * <p>The host owns the instance: {@link #close()} stops and unloads the plugins (closing their class
 * loaders), after which the types must no longer be called. Thread-safe after {@link #start}.
 *
 * <pre>{@code
 * try (PluginHost plugins = PluginHost.start(Path.of("plugins"), true)) {
 *   TypeRegistry types = DefaultTypeRegistry.builder().addAll(plugins.types()).build();
 *   ...
 * }
 * }</pre>
 */
public final class PluginHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

  private final HostPluginManager manager;
  private final List<TypeHandle> types;
  private final List<String> plugins;
  private volatile boolean closed;

  private PluginHost(HostPluginManager manager, List<TypeHandle> types, List<String> plugins) {
    this.manager = manager;
    this.types = List.copyOf(types);
    this.plugins = List.copyOf(plugins);
  }

  /** A host with no plugins at all, for hosts that register every type in code. */
  public static PluginHost none() {
    return new PluginHost(null, List.of(), List.of());
  }

  /**
   * Loads and starts the plugins.
   *
   * @param pluginsDir a directory of plugin jars/zips, or null for none
   * @param classpathExtensions whether to also collect extensions listed in {@code META-INF/extensions.idx}
   *     on the application classpath (plugins under development, or backends the host bundles)
   * @throws PluginLoadException if the directory does not exist or any plugin is refused or fails
   */
  public static PluginHost start(Path pluginsDir, boolean classpathExtensions) {
    if (pluginsDir == null && !classpathExtensions) {
      return none();
    }
    if (pluginsDir != null && !Files.isDirectory(pluginsDir)) {
      throw new PluginLoadException("plugin directory '" + pluginsDir + "' does not exist or is not a directory");
    }
    HostPluginManager manager = new HostPluginManager(pluginsDir == null ? List.of() : List.of(pluginsDir));
    manager.setSystemVersion(SpiVersion.CURRENT);
    try {
      if (pluginsDir != null) {
        load(manager, pluginsDir);
      }
      List<TypeHandle> types = new ArrayList<>();
      List<String> started = new ArrayList<>();
      List<PluginWrapper> wrappers = new ArrayList<>(manager.getStartedPlugins());
      wrappers.sort(Comparator.comparing(PluginWrapper::getPluginId));
      for (PluginWrapper w : wrappers) {
        List<TypeHandle> contributed = extensionsOf(manager, w);
        types.addAll(contributed);
        started.add(label(w.getDescriptor()));
        LOG.info("Loaded plugin {} from {} with types {}", label(w.getDescriptor()), w.getPluginPath(),
            contributed.stream().map(TypeHandle::type).toList());
      }
      if (classpathExtensions) {
        types.addAll(classpathExtensionsOf(manager));
      }
      return new PluginHost(manager, types, started);
    } catch (RuntimeException | LinkageError e) {
      shutDown(manager);
      if (e instanceof PluginLoadException p) {
        throw p;
      }
      throw new PluginLoadException((pluginsDir == null ? "cannot load classpath extensions: "
          : "cannot load plugins from '" + pluginsDir + "': ") + e, e);
    }
  }

  /** Every type and step the plugins contribute, plugin by plugin in id order, classpath extensions last. */
  public List<TypeHandle> types() {
    return types;
  }

  /** The started plugins as {@code id@version}, in id order. */
  public List<String> plugins() {
    return plugins;
  }

  /** Stops and unloads every plugin; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (manager != null) {
      shutDown(manager);
    }
  }

  private static void load(HostPluginManager manager, Path pluginsDir) {
    RuntimeException resolveFailure = null;
    try {
      manager.loadPlugins();
    } catch (RuntimeException e) {
      resolveFailure = e;
    }
    List<HostPluginManager.LoadFailure> failures = manager.loadFailures();
    if (!failures.isEmpty()) {
      HostPluginManager.LoadFailure f = failures.get(0);
      throw new PluginLoadException("cannot load plugin '" + f.path().getFileName() + "' from " + pluginsDir
          + ": " + f.cause().getMessage() + more(failures.size()), f.cause());
    }
    List<PluginWrapper> refused = manager.refused();
    if (!refused.isEmpty()) {
      PluginDescriptor d = refused.get(0).getDescriptor();
      throw new PluginLoadException("plugin '" + d.getPluginId() + "' (version " + d.getVersion() + ", "
          + refused.get(0).getPluginPath().getFileName() + ") requires SPI version '" + d.getRequires()
          + "', but this host provides SPI version " + SpiVersion.CURRENT + more(refused.size()));
    }
    if (resolveFailure != null) {
      throw new PluginLoadException("cannot resolve the plugins in " + pluginsDir + ": "
          + resolveFailure.getMessage(), resolveFailure);
    }
    if (!manager.getUnresolvedPlugins().isEmpty()) {
      throw new PluginLoadException("cannot resolve plugins " + manager.getUnresolvedPlugins().stream()
          .map(w -> "'" + w.getPluginId() + "'").toList() + " in " + pluginsDir);
    }
    for (PluginWrapper w : manager.getPlugins()) {
      String requires = w.getDescriptor().getRequires();
      if (requires == null || requires.isBlank() || requires.trim().equals("*")) {
        LOG.warn("Plugin {} declares no Plugin-Requires range; it is loaded, but may not work with SPI {}",
            label(w.getDescriptor()), SpiVersion.CURRENT);
      }
    }
    manager.startPlugins();
    for (PluginWrapper w : manager.getPlugins()) {
      PluginState state = w.getPluginState();
      if (state == PluginState.STARTED) {
        continue;
      }
      if (state == PluginState.DISABLED && w.getFailedException() == null) {
        LOG.info("Plugin {} is disabled by the plugin directory's enabled.txt/disabled.txt; skipping it",
            label(w.getDescriptor()));
        continue;
      }
      Throwable cause = w.getFailedException();
      throw new PluginLoadException("plugin '" + w.getPluginId() + "' (version " + w.getDescriptor().getVersion()
          + ") failed to start" + (cause == null ? " (state " + state + ")" : ": " + cause), cause);
    }
  }

  private static List<TypeHandle> extensionsOf(HostPluginManager manager, PluginWrapper w) {
    String id = w.getPluginId();
    List<TypeHandle> out = new ArrayList<>();
    for (String className : new TreeSet<>(manager.getExtensionClassNames(id))) {
      Class<?> c;
      try {
        c = Class.forName(className, false, w.getPluginClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new PluginLoadException("plugin '" + id + "' lists extension " + className
            + " in META-INF/extensions.idx, but it cannot be loaded: " + e, e);
      }
      TypeHandle h = handleFor(manager, c, id);
      if (h != null) {
        out.add(h);
      }
    }
    return out;
  }

  private static List<TypeHandle> classpathExtensionsOf(HostPluginManager manager) {
    List<TypeHandle> out = new ArrayList<>();
    Set<String> names = new TreeSet<>(manager.getExtensionClassNames(null));
    ClassLoader loader = PluginHost.class.getClassLoader();
    for (String className : names) {
      Class<?> c;
      try {
        c = Class.forName(className, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        LOG.warn("Skipping classpath extension {}: it cannot be loaded ({})", className, e.toString());
        continue;
      }
      TypeHandle h = handleFor(manager, c, TypeHandles.CLASSPATH);
      if (h != null) {
        out.add(h);
        LOG.info("Loaded classpath extension {} as type '{}'", className, h.type());
      }
    }
    return out;
  }

  /** Instantiates a type or step extension; returns null for extensions of other extension points. */
  private static TypeHandle handleFor(HostPluginManager manager, Class<?> c, String origin) {
    boolean resource = ResourceType.class.isAssignableFrom(c);
    boolean step = ProvisioningStep.class.isAssignableFrom(c);
    if (!resource && !step) {
      if (bundlesItsOwnSpi(c)) {
        throw new PluginLoadException(c.getName() + " from " + TypeHandles.describeOrigin(origin)
            + " implements a copy of the Tenantwright SPI packed into the plugin; the SPI must come from the host"
            + " (declare tenantwright-spi with scope 'provided')");
      }
      return null;
    }
    if (resource && step) {
      throw new PluginLoadException(c.getName() + " from " + TypeHandles.describeOrigin(origin)
          + " is both a ResourceType and a ProvisioningStep; it must be one or the other");
    }
    Object instance;
    try {
      instance = new ContextLoader(c.getClassLoader()).call(() -> manager.getExtensionFactory().create(c));
    } catch (RuntimeException | LinkageError e) {
      String library = HostLibraries.describeMissing(e);
      throw new PluginLoadException("cannot create extension " + c.getName() + " of "
          + TypeHandles.describeOrigin(origin) + ": " + (library != null ? "it " + library : e.toString()), e);
    }
    if (instance == null) {
      throw new PluginLoadException("cannot create extension " + c.getName() + " of "
          + TypeHandles.describeOrigin(origin));
    }
    return resource
        ? TypeHandles.forResource((ResourceType<?, ?>) instance, origin)
        : TypeHandles.forStep((ProvisioningStep<?, ?>) instance, origin);
  }

  /** Whether {@code c} implements an SPI interface by name that is not the host's class (a bundled copy). */
  private static boolean bundlesItsOwnSpi(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      for (Class<?> i : k.getInterfaces()) {
        String name = i.getName();
        if (name.equals(ResourceType.class.getName()) || name.equals(ProvisioningStep.class.getName())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Stops the started plugins one by one in reverse start order, then unloads them all. PF4J 3.15's own
   * {@code stopPlugins()} fails with a ConcurrentModificationException as soon as one plugin is started (it
   * iterates the list its stop step removes from), so it is not used.
   */
  private static void shutDown(HostPluginManager manager) {
    List<PluginWrapper> started = new ArrayList<>(manager.getStartedPlugins());
    Collections.reverse(started);
    for (PluginWrapper w : started) {
      try {
        manager.stopPlugin(w.getPluginId());
      } catch (RuntimeException e) {
        LOG.warn("Stopping plugin {} failed", label(w.getDescriptor()), e);
      }
    }
    try {
      manager.unloadPlugins();
    } catch (RuntimeException e) {
      LOG.warn("Unloading plugins failed", e);
    }
  }

  private static String more(int failures) {
    return failures > 1 ? " (and " + (failures - 1) + " more refused; see the log)" : "";
  }

  private static String label(PluginDescriptor d) {
    return d.getPluginId() + "@" + d.getVersion();
  }
}
