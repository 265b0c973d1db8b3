package dev.tenantwright.plugin.incus;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an {@code incus.instance} should be: the image, limits, environment, init commands, readiness check,
 * exposed ports and root disk of one container (or VM).
 *
 * <p>The instance's name is not part of the spec: it is {@code StepContext.resourceName()}
 * ({@code <tenant>-<environment>-<resource>}), so every attempt and every run finds the same instance. Every
 * field is checked when the spec is bound, with a message naming it. Immutable; the maps and lists are
 * copies.
 *
 * <pre>{@code
 * erp:
 *   type: incus.instance
 *   params:
 *     image: erp-template
 *     cpu: "2"
 *     memory: 1GiB
 *     environment: {CUSTOMER_ID: "${tenant.id}", COMPANY_NAME: "${tenant.name}"}
 *     initSecrets: {ADMIN_PASSWORD: "${secrets.admin-password}"}
 *     readiness: [systemctl, is-system-running, --wait]
 *     init:
 *       - command: [/opt/erp/bin/init-tenant, --customer, "${tenant.id}"]
 *     expose:
 *       - {hostPort: "${port.port}", containerPort: 8080}
 *     rootSize: 20GiB
 * }</pre>
 *
 * <p>Which fields an update changes in place and which need a new instance is the type's business
 * ({@link IncusInstanceType#update}); in short, {@code image}, {@code fingerprint}, {@code imageServer},
 * {@code imageProtocol}, {@code type} and {@code storagePool} are fixed once the instance exists.
 *
 * @param image the alias of a local image (or, with {@code imageServer}, of a remote one); this or
 *     {@code fingerprint} is required
 * @param fingerprint the fingerprint (or a unique prefix of at least 12 hex digits) of a local image
 * @param imageServer a remote image server to pull {@code image} from, e.g.
 *     {@code https://images.linuxcontainers.org}; https only (the image becomes the customer's system)
 * @param imageProtocol the remote server's protocol, {@code simplestreams} (default with a server) or
 *     {@code incus}
 * @param type {@code container} (default) or {@code virtual-machine}; a VM cannot have {@code expose} entries
 *     (Incus proxies into a VM only in NAT mode, which needs a static address per VM)
 * @param profiles the profiles to apply, in order; default {@code [default]} (root disk and network)
 * @param cpu {@code limits.cpu}: a number of CPUs ({@code 2}) or a CPU set ({@code 0-1,3})
 * @param memory {@code limits.memory}: e.g. {@code 512MiB}, {@code 2GB} or {@code 50%}
 * @param environment variables set as {@code environment.*} config: present at boot and in every exec, and
 *     stored in the instance's configuration (visible to whoever can read it)
 * @param initSecrets secret variables passed only to the init commands; never stored in the instance
 * @param config further raw instance configuration, e.g. {@code security.nesting: "true"}; keys under
 *     {@code user.tenantwright.} and {@code volatile.} are reserved, {@code environment.*} /
 *     {@code limits.cpu|memory} belong in their own fields, and keys that reach the host ({@code raw.*},
 *     {@code security.privileged}, {@code linux.kernel_modules}, ...; see {@link #HOST_KEYS}) are refused
 * @param init commands run in order inside the started instance before its baseline snapshot is taken
 * @param expose host ports forwarded into the instance by proxy devices (containers only)
 * @param readiness a command run in the started instance, before the init commands, until it exits 0 (or the
 *     step's deadline passes), e.g. {@code [systemctl, is-system-running, --wait]} or
 *     {@code [cloud-init, status, --wait]}; none by default
 * @param rootSize the size of the instance's root disk, e.g. {@code 20GiB} ({@code size} of an instance-level
 *     root disk device over the profile's); default the profile's
 * @param storagePool the storage pool of the root disk; default the profile's
 */
public record InstanceSpec(
    @Nullable String image,
    @Nullable String fingerprint,
    @Nullable String imageServer,
    @Nullable String imageProtocol,
    @Nullable String type,
    @Nullable List<String> profiles,
    @Nullable String cpu,
    @Nullable String memory,
    @Nullable Map<String, String> environment,
    @Nullable Map<String, Secret> initSecrets,
    @Nullable Map<String, String> config,
    @Nullable List<InitCommand> init,
    @Nullable List<Expose> expose,
    @Nullable List<String> readiness,
    @Nullable String rootSize,
    @Nullable String storagePool) {

  /** The config key holding the ownership marker on every instance the plugin creates. */
  public static final String OWNER_KEY = "user.tenantwright.owner";

  /**
   * Config keys and prefixes refused in {@code config} because they reach the host: they disable the user-id
   * mapping ({@code security.privileged}), pass raw LXC/QEMU/AppArmor/seccomp/idmap settings ({@code raw.*}),
   * load host kernel modules, pick host id ranges ({@code security.idmap.base|size}), loosen or intercept
   * system calls on the host's behalf ({@code security.syscalls.*}), delegate BPF, relabel SELinux, or hold up
   * the host's shutdown ({@code boot.host_shutdown_*}). Every other {@code security.*} key is refused too unless
   * listed in {@link #ALLOWED_SECURITY_KEYS}. An operator who needs one of them sets it in an Incus profile
   * and names the profile in {@code profiles}.
   */
  public static final List<String> HOST_KEYS = List.of("security.privileged", "raw.", "linux.kernel_modules",
      "security.idmap.base", "security.idmap.size", "security.syscalls.", "security.bpffs.", "security.delegate_bpf",
      "security.selinux.", "boot.host_shutdown_");

  /** The {@code security.*} keys {@code config} may set: none of them lets the instance reach the host. */
  public static final List<String> ALLOWED_SECURITY_KEYS = List.of("security.nesting", "security.idmap.isolated",
      "security.protection.delete", "security.protection.start", "security.protection.shift",
      "security.secureboot", "security.csm", "security.agent.metrics", "security.guestapi", "security.devlxd",
      "security.sev", "security.sev.policy.es", "security.iommu");

  private static final Pattern IMAGE_ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]{0,254}");
  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{12,64}");
  private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern CPU = Pattern.compile("[0-9]+|[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*");
  private static final Pattern MEMORY =
      Pattern.compile("[0-9]+(\\.[0-9]+)?(B|kB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB|EiB)?|[0-9]{1,3}%");
  private static final Pattern CONFIG_KEY = Pattern.compile("[a-z0-9][A-Za-z0-9._-]*");
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern DISK_SIZE =
      Pattern.compile("[0-9]+(\\.[0-9]+)?(B|kB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB|EiB)?");
  private static final Pattern POOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  /** Validates every field and copies the collections. */
  public InstanceSpec {
    if (image == null && fingerprint == null) {
      throw invalid("image", "set an image alias ('image') or an image fingerprint ('fingerprint')");
    }
    if (image != null && fingerprint != null) {
      throw invalid("fingerprint", "set either 'image' or 'fingerprint', not both");
    }
    if (image != null && !IMAGE_ALIAS.matcher(image).matches()) {
      throw invalid("image", "\"" + image + "\" is not a valid image alias");
    }
    if (fingerprint != null) {
      fingerprint = fingerprint.toLowerCase(Locale.ROOT);
      if (!FINGERPRINT.matcher(fingerprint).matches()) {
        throw invalid("fingerprint", "must be 12 to 64 hex digits");
      }
    }
    if (imageServer != null) {
      if (image == null) {
        throw invalid("imageServer", "a remote image is named by its alias: set 'image'");
      }
      if (!imageServer.toLowerCase(Locale.ROOT).startsWith("https://") || imageServer.length() <= "https://".length()) {
        // The image becomes the customer's whole system: fetched over plain http, anyone on the path could
        // replace it.
        throw invalid("imageServer", "must be an https:// URL");
      }
      imageProtocol = imageProtocol == null ? "simplestreams" : imageProtocol;
    }
    if (imageProtocol != null) {
      if (imageServer == null) {
        throw invalid("imageProtocol", "only applies with 'imageServer'");
      }
      if (!imageProtocol.equals("simplestreams") && !imageProtocol.equals("incus")) {
        throw invalid("imageProtocol", "must be 'simplestreams' or 'incus'");
      }
    }
    type = type == null ? "container" : type;
    if (!type.equals("container") && !type.equals("virtual-machine")) {
      throw invalid("type", "must be 'container' or 'virtual-machine'");
    }
    profiles = profiles == null ? List.of("default") : List.copyOf(profiles);
    for (String p : profiles) {
      if (p == null || !PROFILE.matcher(p).matches()) {
        throw invalid("profiles", "\"" + p + "\" is not a valid profile name");
      }
    }
    if (cpu != null && !CPU.matcher(cpu).matches()) {
      throw invalid("cpu", "\"" + cpu + "\" is neither a number of CPUs (2) nor a CPU set (0-1,3)");
    }
    if (memory != null && !MEMORY.matcher(memory).matches()) {
      throw invalid("memory", "\"" + memory + "\" is not a memory size such as 512MiB, 2GB or 50%");
    }
    environment = copyEnv("environment", environment);
    initSecrets = initSecrets == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(initSecrets));
    for (Map.Entry<String, Secret> e : initSecrets.entrySet()) {
      Names.envVarName("initSecrets", e.getKey());
      if (e.getValue() == null) {
        throw invalid("initSecrets." + e.getKey(), "must not be null");
      }
    }
    config = config == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(config));
    for (Map.Entry<String, String> e : config.entrySet()) {
      String key = e.getKey();
      if (!CONFIG_KEY.matcher(key).matches()) {
        throw invalid("config", "\"" + key + "\" is not a valid Incus configuration key");
      }
      if (key.startsWith("user.tenantwright.") || key.startsWith("volatile.")) {
        throw invalid("config." + key, "is reserved");
      }
      if (reachesHost(key)) {
        throw invalid("config." + key, "can reach the Incus host (privileged, raw or host-wide settings are not "
            + "accepted from a blueprint); set it in an Incus profile you manage and list that profile in 'profiles'");
      }
      if (key.startsWith("environment.") || key.equals("limits.cpu") || key.equals("limits.memory")) {
        throw invalid("config." + key, "belongs in the field '" + (key.startsWith("environment.")
            ? "environment" : key.substring("limits.".length())) + "'");
      }
      if (e.getValue() == null) {
        throw invalid("config." + key, "must not be null");
      }
    }
    init = init == null ? List.of() : List.copyOf(init);
    expose = expose == null ? List.of() : List.copyOf(expose);
    Set<String> devices = new HashSet<>();
    for (Expose x : expose) {
      if (!devices.add(x.deviceName())) {
        throw invalid("expose", "host port " + x.hostPort() + "/" + x.protocol() + " is exposed twice");
      }
    }
    if (type.equals("virtual-machine") && !expose.isEmpty()) {
      // doc/reference/devices_proxy.md: "supported for both containers (NAT and non-NAT modes) and VMs (NAT mode
      // only)"; NAT mode needs a static address on the VM's NIC and a specific host listen address.
      throw invalid("expose", "a virtual-machine cannot have host ports: Incus proxies into a VM only in NAT mode, "
          + "which needs a static address on the VM's network card; route to the VM's address (${<resource>.ipv4}) "
          + "instead, e.g. with a traefik.route, or use type 'container'");
    }
    readiness = readiness == null ? List.of() : List.copyOf(readiness);
    if (!readiness.isEmpty()) {
      for (String arg : readiness) {
        if (arg == null || arg.indexOf('\0') >= 0) {
          throw invalid("readiness", "arguments must be non-null and free of NUL characters");
        }
      }
      if (readiness.get(0).isBlank()) {
        throw invalid("readiness", "the program must not be blank");
      }
    }
    if (rootSize != null && !DISK_SIZE.matcher(rootSize).matches()) {
      throw invalid("rootSize", "\"" + rootSize + "\" is not a disk size such as 20GiB or 500GB");
    }
    if (storagePool != null && !POOL.matcher(storagePool).matches()) {
      throw invalid("storagePool", "\"" + storagePool + "\" is not a valid storage pool name");
    }
  }

  /** Whether a config key is one of {@link #HOST_KEYS}, or a {@code security.*} key not explicitly allowed. */
  static boolean reachesHost(String key) {
    for (String k : HOST_KEYS) {
      if (k.endsWith(".") || k.endsWith("_") ? key.startsWith(k) : key.equals(k) || key.startsWith(k + ".")) {
        return true;
      }
    }
    return key.startsWith("security.") && !ALLOWED_SECURITY_KEYS.contains(key);
  }

  /**
   * One command run inside the instance by Incus exec after it has started: an argv list, never a shell
   * string.
   *
   * @param command the program and its arguments
   * @param environment extra variables for this command only (on top of the instance's {@code environment}
   *     and the spec's {@code initSecrets})
   * @param cwd the working directory inside the instance; default the user's home
   * @param user the uid to run as; default 0
   * @param group the gid to run as; default 0
   */
  public record InitCommand(
      List<String> command,
      @Nullable Map<String, String> environment,
      @Nullable String cwd,
      @Nullable Integer user,
      @Nullable Integer group) {

    /** Validates the argv and the variables. */
    public InitCommand {
      if (command == null || command.isEmpty()) {
        throw invalid("init.command", "must name a program");
      }
      for (String arg : command) {
        if (arg == null || arg.indexOf('\0') >= 0) {
          throw invalid("init.command", "arguments must be non-null and free of NUL characters");
        }
      }
      if (command.get(0).isBlank()) {
        throw invalid("init.command", "the program must not be blank");
      }
      command = List.copyOf(command);
      environment = copyEnv("init.environment", environment);
      if (cwd != null && !cwd.startsWith("/")) {
        throw invalid("init.cwd", "must be an absolute path");
      }
      if (user != null && user < 0) {
        throw invalid("init.user", "must not be negative");
      }
      if (group != null && group < 0) {
        throw invalid("init.group", "must not be negative");
      }
    }

    /** A command with the given argv and nothing else. */
    public static InitCommand of(String... argv) {
      return new InitCommand(List.of(argv), null, null, null, null);
    }
  }

  /**
   * A host port forwarded into the instance by an Incus proxy device
   * ({@code listen=tcp:<listen>:<hostPort>}, {@code connect=tcp:127.0.0.1:<containerPort>}).
   *
   * @param hostPort the port on the host, normally from a core {@code port} resource: {@code ${port.port}}
   * @param containerPort the port the service listens on inside the instance
   * @param listen the host address to listen on; default the configuration's {@code listenAddress}
   * @param protocol {@code tcp} (default) or {@code udp}
   * @param host the host name for the access URL; default the configuration's {@code publicHost}
   * @param scheme the URL scheme of the access URL; default {@code http} for tcp, {@code udp} for udp
   */
  public record Expose(
      Integer hostPort,
      Integer containerPort,
      @Nullable String listen,
      @Nullable String protocol,
      @Nullable String host,
      @Nullable String scheme) {

    /** Validates ports, protocol and address. */
    public Expose {
      requirePort("expose.hostPort", hostPort);
      requirePort("expose.containerPort", containerPort);
      protocol = protocol == null ? "tcp" : protocol.toLowerCase(Locale.ROOT);
      if (!protocol.equals("tcp") && !protocol.equals("udp")) {
        throw invalid("expose.protocol", "must be 'tcp' or 'udp'");
      }
      if (listen != null) {
        requireListenAddress("expose.listen", listen);
      }
      if (host != null && !host.matches("[A-Za-z0-9.:\\[\\]-]{1,253}")) {
        throw invalid("expose.host", "must be a host name or an IP address");
      }
      if (scheme != null && !scheme.matches("[a-z][a-z0-9+.-]{0,15}")) {
        throw invalid("expose.scheme", "is not a URL scheme");
      }
    }

    /** A tcp port with the configuration's defaults. */
    public static Expose tcp(int hostPort, int containerPort) {
      return new Expose(hostPort, containerPort, null, null, null, null);
    }

    /** The proxy device's name, unique per host port and protocol: {@code tw-tcp-24001}. */
    public String deviceName() {
      return "tw-" + protocol + "-" + hostPort;
    }
  }

  /**
   * The config keys this spec sets on the instance: the raw {@code config}, {@code environment.*} and the
   * limits (without the ownership marker and the plugin's bookkeeping keys).
   */
  Map<String, String> managedConfig() {
    Map<String, String> out = new LinkedHashMap<>(config);
    environment.forEach((k, v) -> out.put("environment." + k, v));
    if (cpu != null) {
      out.put("limits.cpu", cpu);
    }
    if (memory != null) {
      out.put("limits.memory", memory);
    }
    return out;
  }

  /** Every value that must not appear in a message: secret and plain variable values of the spec. */
  List<String> sensitiveValues() {
    List<String> out = new ArrayList<>();
    initSecrets.values().forEach(s -> out.add(s.reveal()));
    out.addAll(environment.values());
    for (InitCommand c : init) {
      out.addAll(c.environment().values());
    }
    return out;
  }

  /** Checks a proxy listen address: an IPv4 literal, or an IPv6 literal without brackets. */
  static void requireListenAddress(String field, String address) {
    if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
      throw invalid(field, "\"" + address + "\" is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)");
    }
  }

  private static void requirePort(String field, Integer port) {
    if (port == null) {
      throw invalid(field, "is required");
    }
    if (port < 1 || port > 65535) {
      throw invalid(field, "must be between 1 and 65535, was " + port);
    }
  }

  private static Map<String, String> copyEnv(String field, Map<String, String> env) {
    if (env == null) {
      return Map.of();
    }
    Map<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      Names.envVarName(field, e.getKey());
      if (e.getValue() == null) {
        throw invalid(field + "." + e.getKey(), "must not be null");
      }
      if (e.getValue().equals(Secret.MASK)) {
        // A ${secrets.X} bound into a plain string arrives as its mask: refuse it rather than store "******".
        throw invalid(field + "." + e.getKey(), "holds a secret; pass secrets to init commands with 'initSecrets'");
      }
      copy.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(copy);
  }

  private static PermanentException invalid(String field, String why) {
    return new PermanentException("incus.instance, field '" + field + "': " + why);
  }
}
