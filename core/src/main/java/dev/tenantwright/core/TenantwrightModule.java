package dev.tenantwright.core;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.TenantwrightException;
import java.util.Objects;
import java.util.Set;

/**
 * Binds a singleton {@link Tenantwright} built from a {@link TenantwrightConfig}, so a Guice host can
 * {@code @Inject Tenantwright}.
 *
 * <p>Listeners, policies, engine observers, resource types and provisioning steps bound in the host's own modules
 * with {@link Multibinder} ({@code Multibinder.newSetBinder(binder(), Listener.class)} (or {@code Policy.class},
 * {@code EngineObserver.class}) and the type literals {@code ResourceType<?, ?>} / {@code ProvisioningStep<?, ?>})
 * are added to the configuration's own. The host closes the instance when it shuts down.
 *
 * <p>Guice wraps whatever a provider throws in its own {@code ProvisionException}; {@link #tenantwright(Injector)}
 * gets the instance and throws a failure to build it as itself — a {@link BlueprintException},
 * {@link PluginConfigException} or {@link PluginLoadException} naming what to fix.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new TenantwrightModule(
 *     Tenantwright.builder().embedded(Path.of("tenantwright-data")).blueprint(website).config()));
 * Tenantwright tw = TenantwrightModule.tenantwright(injector);
 * }</pre>
 */
public final class TenantwrightModule extends AbstractModule {

  private final TenantwrightConfig config;

  /** A module that builds Tenantwright from {@code config}. */
  public TenantwrightModule(TenantwrightConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  protected void configure() {
    Multibinder.newSetBinder(binder(), Listener.class);
    Multibinder.newSetBinder(binder(), new TypeLiteral<ResourceType<?, ?>>() {});
    Multibinder.newSetBinder(binder(), new TypeLiteral<ProvisioningStep<?, ?>>() {});
    Multibinder.newSetBinder(binder(), Policy.class);
    Multibinder.newSetBinder(binder(), EngineObserver.class);
  }

  /**
   * The injector's {@link Tenantwright}, with a failure to build it unwrapped from Guice's exception.
   *
   * @throws TenantwrightException as building it threw it (a blueprint, plugin or configuration problem)
   */
  public static Tenantwright tenantwright(Injector injector) {
    try {
      return injector.getInstance(Tenantwright.class);
    } catch (ProvisionException e) {
      if (e.getCause() instanceof TenantwrightException t) {
        throw t;
      }
      throw e;
    }
  }

  @Provides
  @Singleton
  Tenantwright tenantwright(Set<Listener> listeners, Set<ResourceType<?, ?>> types,
      Set<ProvisioningStep<?, ?>> steps, Set<Policy> policies, Set<EngineObserver> observers) {
    Tenantwright.Builder b = config.toBuilder();
    policies.forEach(b::policy);
    observers.forEach(b::observer);
    listeners.forEach(b::listener);
    types.forEach(b::resourceType);
    steps.forEach(b::step);
    return b.build();
  }
}
