package dev.tenantwright.plugin.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.spi.Nullable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an Incus instance the plugin reads: name, type, status, its own configuration and devices, its
 * profiles and expanded devices, and the ETag a change must name in {@code If-Match}.
 *
 * @param name the instance's name
 * @param type {@code container} or {@code virtual-machine}
 * @param status {@code Running}, {@code Stopped}, {@code Frozen}, ...
 * @param description its description
 * @param ephemeral whether Incus deletes it when it stops
 * @param profiles its profiles, in order
 * @param config the instance's own configuration keys (volatile ones included)
 * @param devices its own devices, without its profiles'
 * @param expandedDevices its devices with those of its profiles
 * @param etag the ETag of the {@code GET} that read it (without quotes), or null when Incus sent none
 */
public record IncusInstance(
    String name,
    String type,
    String status,
    String description,
    boolean ephemeral,
    List<String> profiles,
    Map<String, String> config,
    Map<String, Map<String, String>> devices,
    Map<String, Map<String, String>> expandedDevices,
    @Nullable String etag) {

  /** Reads the {@code metadata} of {@code GET /1.0/instances/{name}} and the answer's ETag. */
  static IncusInstance from(JsonNode md, @Nullable String etag) {
    Map<String, String> config = new LinkedHashMap<>();
    md.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
    List<String> profiles = new ArrayList<>();
    md.path("profiles").forEach(p -> profiles.add(p.asText()));
    String tag = etag == null ? null : etag.replace("\"", "").strip();
    return new IncusInstance(md.path("name").asText(""), md.path("type").asText("container"),
        md.path("status").asText(""), md.path("description").asText(""), md.path("ephemeral").asBoolean(false),
        List.copyOf(profiles), Collections.unmodifiableMap(config), devices(md.path("devices")),
        devices(md.path("expanded_devices")), tag == null || tag.isEmpty() ? null : tag);
  }

  private static Map<String, Map<String, String>> devices(JsonNode node) {
    Map<String, Map<String, String>> devices = new LinkedHashMap<>();
    node.properties().forEach(d -> {
      Map<String, String> keys = new LinkedHashMap<>();
      d.getValue().properties().forEach(k -> keys.put(k.getKey(), k.getValue().asText()));
      devices.put(d.getKey(), Collections.unmodifiableMap(keys));
    });
    return Collections.unmodifiableMap(devices);
  }

  /** Whether the instance is running. */
  public boolean running() {
    return "Running".equals(status);
  }

  /** Whether the instance is stopped. */
  public boolean stopped() {
    return "Stopped".equals(status);
  }

  /** Whether it has a network card, so that it should get an address. */
  public boolean hasNic() {
    return expandedDevices.values().stream().anyMatch(d -> "nic".equals(d.get("type")));
  }

  /** A config value, or null. */
  public @Nullable String config(String key) {
    return config.get(key);
  }

  /** The name of its root disk device (the disk at path {@code /}) among its expanded devices, or null. */
  public @Nullable String rootDiskName() {
    return rootDiskName(expandedDevices);
  }

  /** The root disk device (a {@code disk} at path {@code /}) among devices, or null. */
  public static @Nullable String rootDiskName(Map<String, Map<String, String>> devices) {
    for (Map.Entry<String, Map<String, String>> d : devices.entrySet()) {
      if ("disk".equals(d.getValue().get("type")) && "/".equals(d.getValue().get("path"))) {
        return d.getKey();
      }
    }
    return null;
  }
}
