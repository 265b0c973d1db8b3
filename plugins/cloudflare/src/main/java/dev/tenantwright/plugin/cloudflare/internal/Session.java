package dev.tenantwright.plugin.cloudflare.internal;

import dev.tenantwright.plugin.cloudflare.CloudflareConfig;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.StepContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one configuration of the plugin works with: the API client, the zones it found (cached), the name policy
 * and the DNS resolvers.
 *
 * <p>Each resource type instance keeps its sessions ({@link Sessions}), one per configuration, for as long as the
 * host keeps the type, and hands a step a view of its session whose calls carry the step's trace context;
 * thread-safe.
 */
public final class Session {

  private final CloudflareConfig config;
  private final CloudflareApi api;
  private final Zones zones;
  private final NamePolicy policy;
  private final DnsLookup dns;

  private Session(CloudflareConfig config) {
    this.config = config;
    this.api = new CloudflareApi(config);
    this.zones = new Zones(api, config);
    this.policy = new NamePolicy(config);
    this.dns = new DnsLookup(config.resolverAddresses(), config.effectiveResolverTimeout());
  }

  private Session(Session shared, CloudflareApi api) {
    this.config = shared.config;
    this.api = api;
    this.zones = shared.zones.over(api);
    this.policy = shared.policy;
    this.dns = shared.dns;
  }

  /**
   * This session calling for one step attempt: every API call it makes — zone look-ups and record calls — carries
   * the attempt's trace context ({@link CloudflareApi#forStep}); the zone caches stay the configuration's. Without
   * trace headers it is this session itself.
   */
  private Session forStep(StepContext ctx) {
    CloudflareApi view = api.forStep(ctx);
    return view == api ? this : new Session(this, view);
  }

  /**
   * Where a record of {@code name} is to be written: its zone and that zone's records API.
   *
   * @param zone the zone
   * @param records its records API
   */
  public record Target(Zone zone, ZoneRecords records) {}

  /**
   * The zone a record named {@code name} may be written to, after the name policy and the allowed zones are
   * checked (everything that needs only the name before any call).
   */
  public Target target(String field, String name, @Nullable String resourceZoneId) {
    policy.checkName(field, name);
    Zone zone = zones.forName(field, name, resourceZoneId);
    policy.checkInZone(field, name, zone);
    return new Target(zone, api.records(zone.id()));
  }

  /** The records API of the zone with this id (for records whose zone was recorded). */
  public ZoneRecords records(String zoneId) {
    return api.records(zoneId);
  }

  /** The configuration. */
  public CloudflareConfig config() {
    return config;
  }

  /** The zone resolution. */
  public Zones zones() {
    return zones;
  }

  /** The DNS resolvers. */
  public DnsLookup dns() {
    return dns;
  }

  /** The sessions of one resource type instance, one per configuration. */
  public static final class Sessions {

    private final Map<CloudflareConfig, Session> byConfig = new ConcurrentHashMap<>();

    /**
     * The session for the step's configuration (made on first use), as the step's view: its calls carry the step
     * attempt's trace context. Keep it no longer than the call to the step.
     */
    public Session of(StepContext ctx) {
      return byConfig.computeIfAbsent(ctx.config(CloudflareConfig.class), Session::new).forStep(ctx);
    }
  }
}
