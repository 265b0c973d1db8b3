package dev.tenantwright.plugin.incus;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.plugin.incus.InstanceSpec.Expose;
import dev.tenantwright.plugin.incus.internal.IncusInstance;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.Nullable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the plugin sets on an instance for a spec, and what an update must change on an existing instance to
 * match a spec: config keys to set and to remove, devices to set and to remove, and the profile list.
 *
 * <p>The plugin touches only what it manages: the keys and devices of the spec, of the previous spec, and those
 * it recorded on the instance in {@value #MANAGED_KEYS} and {@value #MANAGED_DEVICES} when it last wrote it (a
 * restored snapshot brings back the record of its own time, so a reset knows what to remove too), plus its own
 * {@code tw-*} proxy devices. Volatile keys and anything an operator added by hand stay as they are.
 *
 * <p>Immutable; package-private: an implementation detail of {@link IncusInstanceType}.
 */
final class InstanceChange {

  /** The config key listing the config keys the plugin set from the spec, sorted, comma-separated. */
  static final String MANAGED_KEYS = "user.tenantwright.keys";
  /** The config key listing the instance-level devices the plugin set from the spec, sorted, comma-separated. */
  static final String MANAGED_DEVICES = "user.tenantwright.devices";
  /** The name of the root disk device when neither the instance nor its profiles have one. */
  static final String ROOT = "root";

  private final Map<String, String> set;
  private final Set<String> unset;
  private final Map<String, Map<String, String>> setDevices;
  private final Set<String> removeDevices;
  private final @Nullable List<String> profiles;

  private InstanceChange(Map<String, String> set, Set<String> unset, Map<String, Map<String, String>> setDevices,
      Set<String> removeDevices, @Nullable List<String> profiles) {
    this.set = Collections.unmodifiableMap(set);
    this.unset = Collections.unmodifiableSet(unset);
    this.setDevices = Collections.unmodifiableMap(setDevices);
    this.removeDevices = Collections.unmodifiableSet(removeDevices);
    this.profiles = profiles == null ? null : List.copyOf(profiles);
  }

  /**
   * The instance-level devices of a spec: one proxy per {@code expose} entry and, when {@code rootSize} or
   * {@code storagePool} is set, a root disk device that overrides the profile's.
   *
   * @param rootName the name of the root disk device the instance (or its profiles) already has, or null
   * @param basePool the pool of that root disk, used when the spec names no pool
   */
  static Map<String, Map<String, String>> devices(InstanceSpec spec, IncusConfig config, @Nullable String rootName,
      @Nullable String basePool) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (Expose x : spec.expose()) {
      String listen = x.listen() != null ? x.listen() : config.listenAddress();
      Map<String, String> proxy = new LinkedHashMap<>();
      proxy.put("type", "proxy");
      proxy.put("listen", x.protocol() + ":" + bracket(listen) + ":" + x.hostPort());
      proxy.put("connect", x.protocol() + ":127.0.0.1:" + x.containerPort());
      out.put(x.deviceName(), proxy);
    }
    if (spec.rootSize() != null || spec.storagePool() != null) {
      Map<String, String> root = new LinkedHashMap<>();
      root.put("type", "disk");
      root.put("path", "/");
      String pool = spec.storagePool() != null ? spec.storagePool() : basePool;
      if (pool != null) {
        root.put("pool", pool);
      }
      if (spec.rootSize() != null) {
        root.put("size", spec.rootSize());
      }
      out.put(rootName != null ? rootName : ROOT, root);
    }
    return out;
  }

  /** The config keys a spec sets, with the bookkeeping of the managed keys and devices; not the owner marker. */
  static Map<String, String> config(InstanceSpec spec, Set<String> deviceNames) {
    Map<String, String> managed = spec.managedConfig();
    Map<String, String> out = new LinkedHashMap<>(managed);
    out.put(MANAGED_KEYS, String.join(",", new TreeSet<>(managed.keySet())));
    out.put(MANAGED_DEVICES, String.join(",", new TreeSet<>(deviceNames)));
    return out;
  }

  /**
   * What must change on {@code inst} for it to match {@code spec}.
   *
   * @param previous the spec the instance was last made or updated with: what it set and {@code spec} no longer
   *     sets is removed
   */
  static InstanceChange between(InstanceSpec spec, InstanceSpec previous, IncusInstance inst, IncusConfig config) {
    String rootName = inst.rootDiskName();
    String basePool = rootName == null ? null : inst.expandedDevices().get(rootName).get("pool");
    Map<String, Map<String, String>> wantedDevices = devices(spec, config, rootName, basePool);
    Map<String, String> wanted = config(spec, wantedDevices.keySet());

    Map<String, String> set = new LinkedHashMap<>();
    wanted.forEach((k, v) -> {
      if (!v.equals(inst.config(k))) {
        set.put(k, v);
      }
    });
    Set<String> managedBefore = new LinkedHashSet<>(recorded(inst.config(MANAGED_KEYS)));
    managedBefore.addAll(previous.managedConfig().keySet());
    Set<String> unset = new TreeSet<>();
    for (String k : managedBefore) {
      if (!wanted.containsKey(k) && inst.config().containsKey(k) && !k.startsWith("volatile.")
          && !k.startsWith("user.tenantwright.")) {
        unset.add(k);
      }
    }

    Map<String, Map<String, String>> setDevices = new LinkedHashMap<>();
    wantedDevices.forEach((d, keys) -> {
      if (!keys.equals(inst.devices().get(d))) {
        setDevices.put(d, keys);
      }
    });
    Set<String> devicesBefore = new LinkedHashSet<>(recorded(inst.config(MANAGED_DEVICES)));
    devicesBefore.addAll(devices(previous, config, rootName, basePool).keySet());
    for (String d : inst.devices().keySet()) {
      if (d.startsWith("tw-")) {
        devicesBefore.add(d);
      }
    }
    Set<String> removeDevices = new TreeSet<>();
    for (String d : devicesBefore) {
      if (!wantedDevices.containsKey(d) && inst.devices().containsKey(d)) {
        removeDevices.add(d);
      }
    }
    List<String> profiles = spec.profiles().equals(inst.profiles()) ? null : spec.profiles();
    return new InstanceChange(set, unset, setDevices, removeDevices, profiles);
  }

  /** Whether the instance already matches. */
  boolean isEmpty() {
    return set.isEmpty() && unset.isEmpty() && setDevices.isEmpty() && removeDevices.isEmpty() && profiles == null;
  }

  /** Whether a device must go, which only a full {@code PUT} can do. */
  boolean removesDevices() {
    return !removeDevices.isEmpty();
  }

  /** The {@code PATCH} body: the keys to set, the keys to remove as empty values, the devices to set, profiles. */
  ObjectNode patchBody() {
    ObjectNode body = SupportJson.mapper().createObjectNode();
    ObjectNode cfg = body.putObject("config");
    set.forEach(cfg::put);
    unset.forEach(k -> cfg.put(k, ""));
    ObjectNode devices = body.putObject("devices");
    setDevices.forEach((d, keys) -> {
      ObjectNode o = devices.putObject(d);
      keys.forEach(o::put);
    });
    if (profiles != null) {
      profiles.forEach(body.putArray("profiles")::add);
    }
    return body;
  }

  /**
   * The {@code PUT} body: the instance's own config (volatile keys included: Incus refuses to lose some of them)
   * and devices with this change applied, its profiles, description and ephemeral flag.
   */
  ObjectNode putBody(IncusInstance inst) {
    ObjectNode body = SupportJson.mapper().createObjectNode();
    Map<String, String> cfg = new LinkedHashMap<>(inst.config());
    unset.forEach(cfg::remove);
    cfg.putAll(set);
    ObjectNode c = body.putObject("config");
    cfg.forEach(c::put);
    Map<String, Map<String, String>> devs = new LinkedHashMap<>(inst.devices());
    removeDevices.forEach(devs::remove);
    devs.putAll(setDevices);
    ObjectNode d = body.putObject("devices");
    devs.forEach((name, keys) -> {
      ObjectNode o = d.putObject(name);
      keys.forEach(o::put);
    });
    (profiles != null ? profiles : inst.profiles()).forEach(body.putArray("profiles")::add);
    body.put("description", inst.description()).put("ephemeral", inst.ephemeral());
    return body;
  }

  /** What changes, by name only (values can be customer data): for logs and progress. */
  String describe() {
    List<String> parts = new ArrayList<>();
    set.keySet().stream().filter(k -> !k.startsWith("user.tenantwright.")).forEach(parts::add);
    unset.forEach(k -> parts.add("-" + k));
    setDevices.keySet().forEach(d -> parts.add("device " + d));
    removeDevices.forEach(d -> parts.add("-device " + d));
    if (profiles != null) {
      parts.add("profiles " + profiles);
    }
    return parts.isEmpty() ? "bookkeeping" : String.join(", ", parts);
  }

  private static List<String> recorded(@Nullable String list) {
    List<String> out = new ArrayList<>();
    if (list != null) {
      for (String s : list.split(",")) {
        if (!s.isBlank()) {
          out.add(s.strip());
        }
      }
    }
    return out;
  }

  private static String bracket(String address) {
    return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
  }
}
