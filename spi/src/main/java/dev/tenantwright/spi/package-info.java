/**
 * The service-provider interface plugin vendors compile against: resource types, provisioning steps,
 * the {@link dev.tenantwright.spi.StepContext} they run in, and the value types that cross the plugin
 * boundary.
 *
 * <p>Stable API: types here change only with a bump of {@link dev.tenantwright.spi.SpiVersion#CURRENT};
 * it depends on nothing but the JDK, pf4j and slf4j-api.
 */
package dev.tenantwright.spi;
