package dev.tenantwright.core.internal.types;

import dev.tenantwright.core.internal.net.EgressPolicy;
import dev.tenantwright.spi.ResourceType;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;

/**
 * The resource types core contributes to every registry: {@code secret}, {@code port}, {@code http.health-check}
 * and {@code tls.certificate}.
 *
 * <pre>{@code
 * DefaultTypeRegistry.builder()
 *     .addResourceTypes(CoreTypes.create(ports, PortRange.DEFAULT, CoreTypes.defaultHttpClient(),
 *         EgressPolicy.DEFAULT), TypeHandles.CORE)
 * }</pre>
 */
public final class CoreTypes {

  private CoreTypes() {}

  /**
   * Creates the core types.
   *
   * @param ports the port lease store (the journal)
   * @param range the range {@code port} allocates from when a spec does not narrow it
   * @param http the client health checks use
   * @param egress where URLs and addresses from parameters may connect (health and certificate checks)
   */
  public static List<ResourceType<?, ?>> create(PortAllocator ports, PortRange range, OkHttpClient http,
      EgressPolicy egress) {
    return List.of(new SecretType(), new PortType(ports, range), new HealthCheckType(http, egress),
        new TlsCertificateType(egress));
  }

  /** A client for health checks: 5-second connect timeout, redirects not followed, never re-sent. */
  public static OkHttpClient defaultHttpClient() {
    return new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .build();
  }
}
