package dev.tenantwright.plugin.cloudflare.internal;

import dev.tenantwright.plugin.cloudflare.CloudflareConfig;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which zone a record goes to, and refuses the names and zones the configuration does not allow.
 *
 * <p>In order: a name outside {@code allowedZones} (or, without them, outside the configured zone's name when it
 * is known) is refused before any call; a resource's own {@code zoneId} is used after checking that the zone
 * holds the name and is allowed; the configured {@code zoneId} is used for names inside it; otherwise the zone is
 * found from the name by asking {@code GET /zones?name=} for the name and each parent (longest match first, only
 * names inside the allowed zones, only names a zone can have), as Cloudflare's own tools do.
 *
 * <p>Found zones are cached for the life of this object (one per configuration and resource type instance, so
 * for as long as the host keeps the plugin loaded), and shared with the views each step asks through
 * ({@link #over}); names without a zone are asked again next time, since a zone may be added meanwhile.
 * Thread-safe.
 */
public final class Zones {

  private static final Logger LOG = LoggerFactory.getLogger(Zones.class);

  /** The name a zone may have ({@code zones_zone.name} in Cloudflare's OpenAPI document). */
  private static final Pattern ZONE_NAME = Pattern.compile("([a-z0-9][-a-z0-9]*\\.)+[-a-z0-9]{2,20}");

  private final CloudflareApi api;
  private final @Nullable String configuredId;
  private final @Nullable String configuredName;
  private final List<String> allowed;
  private final Map<String, Zone> byId;
  private final Map<String, Zone> byRecordName;

  Zones(CloudflareApi api, CloudflareConfig config) {
    this.api = api;
    this.configuredId = config.zoneId();
    this.configuredName = config.zoneName();
    this.allowed = config.allowedZoneNames();
    this.byId = new ConcurrentHashMap<>();
    this.byRecordName = new ConcurrentHashMap<>();
    if (configuredId != null && configuredName != null) {
      byId.put(configuredId, new Zone(configuredId, configuredName, null));
    }
  }

  private Zones(Zones shared, CloudflareApi api) {
    this.api = api;
    this.configuredId = shared.configuredId;
    this.configuredName = shared.configuredName;
    this.allowed = shared.allowed;
    this.byId = shared.byId;
    this.byRecordName = shared.byRecordName;
  }

  /**
   * These zones asking through {@code api} (a step's view of the client, {@link CloudflareApi#forStep}), sharing
   * this object's caches: what one step finds, the next one reuses.
   */
  Zones over(CloudflareApi api) {
    return api == this.api ? this : new Zones(this, api);
  }

  /**
   * The zone a record named {@code name} is written to.
   *
   * @param field the blueprint field holding the name, for messages
   * @param resourceZoneId the resource's own {@code zoneId}, or null
   * @throws PermanentException when the name or zone is not allowed, or no zone holds the name
   */
  public Zone forName(String field, String name, @Nullable String resourceZoneId) {
    refuseOutsideAllowed(field, name);
    if (resourceZoneId != null) {
      return given(field, name, resourceZoneId);
    }
    if (configuredId != null) {
      Zone configured = byId(configuredId);
      if (configured.holds(name)) {
        return configured;
      }
      if (allowed.isEmpty()) {
        throw new PermanentException("field '" + field + "': \"" + name + "\" is not in the configured zone "
            + configured.describe() + "; list more zones in the cloudflare plugin's allowedZones to use them");
      }
    }
    return discover(field, name);
  }

  /**
   * The zone that would hold {@code name} if the plugin may manage it, or empty: for reading a name that may lie in
   * someone else's DNS. Only a failure worth retrying is thrown.
   */
  public Optional<Zone> managing(String name, @Nullable String resourceZoneId) {
    try {
      return Optional.of(forName("name", name, resourceZoneId));
    } catch (PermanentException notOurs) {
      LOG.debug("{} is in no zone this plugin manages: {}", name, notOurs.getMessage());
      return Optional.empty();
    }
  }

  /** The zone with this id, read once ({@code GET /zones/{id}}). */
  public Zone byId(String zoneId) {
    Zone known = byId.get(zoneId);
    if (known != null) {
      return known;
    }
    Zone read;
    try {
      read = api.zone(zoneId).orElseThrow(() -> new PermanentException("cloudflare: zone " + zoneId
          + " has no name in Cloudflare's answer"));
    } catch (PermanentException e) {
      throw new PermanentException(e.getMessage() + " (reading zone " + zoneId + " needs the token's \"Zone Read\""
          + " permission; or set zoneName beside zoneId in the cloudflare plugin configuration)", e);
    }
    byId.put(zoneId, read);
    return read;
  }

  private void refuseOutsideAllowed(String field, String name) {
    if (!allowed.isEmpty() && allowed.stream().noneMatch(z -> Zone.within(name, z))) {
      throw new PermanentException("field '" + field + "': \"" + name + "\" is outside the zones this plugin may use ("
          + String.join(", ", allowed) + "; the cloudflare plugin's allowedZones)");
    }
    if (allowed.isEmpty() && configuredName != null && !Zone.within(name, configuredName)) {
      throw new PermanentException("field '" + field + "': \"" + name + "\" is not in the configured zone "
          + configuredName + "; list more zones in the cloudflare plugin's allowedZones to use them");
    }
  }

  private Zone given(String field, String name, String zoneId) {
    if (allowed.isEmpty() && configuredId != null && !zoneId.equals(configuredId)) {
      throw new PermanentException("field 'zoneId': \"" + zoneId + "\" is not the configured zone " + configuredId
          + "; list the zones resources may use in the cloudflare plugin's allowedZones");
    }
    Zone zone = byId(zoneId);
    if (!allowed.isEmpty() && allowed.stream().noneMatch(z -> Zone.within(zone.name(), z))) {
      throw new PermanentException("field 'zoneId': zone " + zone.describe() + " is outside the zones this plugin may"
          + " use (" + String.join(", ", allowed) + ")");
    }
    if (!zone.holds(name)) {
      throw new PermanentException("field '" + field + "': \"" + name + "\" is not in zone " + zone.describe()
          + ", the resource's zoneId");
    }
    return zone;
  }

  private Zone discover(String field, String name) {
    Zone cached = byRecordName.get(name);
    if (cached != null) {
      return cached;
    }
    List<String> asked = new ArrayList<>();
    for (String candidate : candidates(name)) {
      asked.add(candidate);
      List<Zone> found = api.zonesNamed(candidate);
      if (found.isEmpty()) {
        continue;
      }
      List<Zone> active = found.stream().filter(z -> "active".equals(z.status())).toList();
      List<Zone> pick = active.isEmpty() ? found : active;
      if (pick.size() > 1) {
        throw new PermanentException("field '" + field + "': several Cloudflare zones named " + candidate
            + " are visible to the token (" + pick.stream().map(Zone::id).collect(Collectors.joining(", "))
            + "); give the resource a zoneId");
      }
      Zone zone = pick.get(0);
      byId.putIfAbsent(zone.id(), zone);
      byRecordName.put(name, zone);
      LOG.debug("DNS name {} is in zone {}", name, zone.describe());
      return zone;
    }
    throw new PermanentException("field '" + field + "': no Cloudflare zone the token can read holds \"" + name
        + "\" (looked for " + (asked.isEmpty() ? "no candidate" : String.join(", ", asked)) + ")");
  }

  /** The name and its parents down to two labels, longest first, that are zone names inside the allowed zones. */
  private List<String> candidates(String name) {
    List<String> out = new ArrayList<>();
    String current = name;
    while (current.indexOf('.') > 0) {
      String c = current;
      if (ZONE_NAME.matcher(c).matches() && (allowed.isEmpty() || allowed.stream().anyMatch(z -> Zone.within(c, z)))) {
        out.add(c);
      }
      current = current.substring(current.indexOf('.') + 1);
    }
    return out;
  }
}
