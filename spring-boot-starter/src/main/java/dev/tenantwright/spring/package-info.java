/**
 * Spring Boot auto-configuration for Tenantwright: a {@code Tenantwright} bean built from {@code tenantwright.*}
 * properties and the application's beans, closed with the application, and its health indicator.
 *
 * <p>Stable API: {@link dev.tenantwright.spring.TenantwrightProperties},
 * {@link dev.tenantwright.spring.TenantwrightBuilderCustomizer} and
 * {@link dev.tenantwright.spring.TenantwrightHealthIndicator}; the auto-configuration classes are named in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports} and may be excluded by
 * name. {@code dev.tenantwright.spring.internal} is implementation.
 */
package dev.tenantwright.spring;
