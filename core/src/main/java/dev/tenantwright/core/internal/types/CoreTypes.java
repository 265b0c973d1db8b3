package dev.tenantwright.core.internal.types;

import dev.tenantwright.spi.ResourceType;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/**
 * The resource types core contributes to every registry: {@code secret}, {@code port} and
 * {@code http.health-check}.
 *
 * <pre>{@code
 * DefaultTypeRegistry.builder()
 *     .addResourceTypes(CoreTypes.create(journal.ports(), PortRange.DEFAULT, CoreTypes.defaultHttpClient()),
 *         TypeHandles.CORE)
 * }</pre>
 */
public final class CoreTypes {

  private CoreTypes() {}

  /**
   * Creates the core types.
   *
   * @param ports the port lease store (the journal)
   * @param range the range {@code port} allocates from when a spec does not narrow it
   * @param http the client health checks use; it should not follow redirects
   */
  public static List<ResourceType<?, ?>> create(PortAllocator ports, PortRange range, HttpClient http) {
    return List.of(new SecretType(), new PortType(ports, range), new HealthCheckType(http));
  }

  /** A client for health checks: 5-second connect timeout, redirects not followed, HTTP/1.1. */
  public static HttpClient defaultHttpClient() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }
}
