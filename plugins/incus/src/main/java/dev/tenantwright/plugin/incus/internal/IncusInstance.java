package dev.tenantwright.plugin.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of an Incus instance the plugin reads: name, status, configuration and devices.
 *
 * @param name the instance's name
 * @param status {@code Running}, {@code Stopped}, {@code Frozen}, ...
 * @param config the instance's own configuration keys
 * @param expandedDevices its devices with those of its profiles
 */
public record IncusInstance(
    String name, String status, Map<String, String> config, Map<String, Map<String, String>> expandedDevices) {

  /** Reads the {@code metadata} of {@code GET /1.0/instances/{name}}. */
  static IncusInstance from(JsonNode md) {
    Map<String, String> config = new LinkedHashMap<>();
    md.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
    Map<String, Map<String, String>> devices = new LinkedHashMap<>();
    md.path("expanded_devices").properties().forEach(d -> {
      Map<String, String> keys = new LinkedHashMap<>();
      d.getValue().properties().forEach(k -> keys.put(k.getKey(), k.getValue().asText()));
      devices.put(d.getKey(), Collections.unmodifiableMap(keys));
    });
    return new IncusInstance(md.path("name").asText(""), md.path("status").asText(""),
        Collections.unmodifiableMap(config), Collections.unmodifiableMap(devices));
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
  public String config(String key) {
    return config.get(key);
  }
}
