package dev.tenantwright.spring;

import dev.tenantwright.core.Tenantwright;

/**
 * Sets on the auto-configured {@link Tenantwright.Builder} what {@link TenantwrightProperties} cannot say: a secret
 * key from the host's vault, a command runner, a clock, secrets for blueprints — anything the builder offers.
 *
 * <p>Every bean of this type is called once, in {@link org.springframework.core.annotation.Order} order, after the
 * properties and the picked-up beans (resource types, steps, listeners, policies, blueprints) were applied and before
 * the instance is built, so a customizer has the last word. Called on the thread that creates the bean; not called
 * when the application defines its own {@code Tenantwright} bean.
 *
 * <pre>{@code
 * @Bean
 * TenantwrightBuilderCustomizer keyFromVault(Vault vault) {
 *   return builder -> builder.secretKey(vault.read("tenantwright/key"));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface TenantwrightBuilderCustomizer {

  /** Changes the builder before the instance is built. */
  void customize(Tenantwright.Builder builder);
}
