package dev.tenantwright.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.ResourceType;
import java.util.Set;

/**
 * Binds a singleton {@link Tenantwright} built from a {@link TenantwrightConfig}, so a Guice host can
 * {@code @Inject Tenantwright}.
 *
 * <p>Listeners, policies, resource types and provisioning steps bound in the host's own modules with
 * {@link Multibinder} ({@code Multibinder.newSetBinder(binder(), Listener.class)} (or {@code Policy.class}) and the type literals
 * {@code ResourceType<?, ?>} / {@code ProvisioningStep<?, ?>}) are added to the configuration's own. The
 * host closes the instance when it shuts down.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new TenantwrightModule(
 *     Tenantwright.builder().embedded(Path.of("tenantwright-data")).blueprint(website).config()));
 * Tenantwright tw = injector.getInstance(Tenantwright.class);
 * }</pre>
 */
public final class TenantwrightModule extends AbstractModule {

  private final TenantwrightConfig config;

  /** A module that builds Tenantwright from {@code config}. */
  public TenantwrightModule(TenantwrightConfig config) {
    this.config = java.util.Objects.requireNonNull(config, "config");
  }

  @Override
  protected void configure() {
    Multibinder.newSetBinder(binder(), Listener.class);
    Multibinder.newSetBinder(binder(), new TypeLiteral<ResourceType<?, ?>>() {});
    Multibinder.newSetBinder(binder(), new TypeLiteral<ProvisioningStep<?, ?>>() {});
    Multibinder.newSetBinder(binder(), Policy.class);
  }

  @Provides
  @Singleton
  Tenantwright tenantwright(Set<Listener> listeners, Set<ResourceType<?, ?>> types,
      Set<ProvisioningStep<?, ?>> steps, Set<Policy> policies) {
    Tenantwright.Builder b = config.toBuilder();
    policies.forEach(b::policy);
    listeners.forEach(b::listener);
    types.forEach(b::resourceType);
    steps.forEach(b::step);
    return b.build();
  }
}
