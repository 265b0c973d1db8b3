package dev.tenantwright.plugin.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.plugin.incus.InstanceSpec.Expose;
import dev.tenantwright.plugin.incus.InstanceSpec.InitCommand;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecAndConfigValidationTest {

  static InstanceSpec spec(String image, String fingerprint, String cpu, String memory, Map<String, String> env,
      Map<String, String> config, List<Expose> expose) {
    return new InstanceSpec(image, fingerprint, null, null, null, null, cpu, memory, env, null, config, null, expose, null, null, null);
  }

  @Test
  void aSpecNeedsExactlyOneImageReference() {
    assertThatThrownBy(() -> spec(null, null, null, null, null, null, null))
        .isInstanceOf(PermanentException.class).hasMessage(
            "incus.instance, field 'image': set an image alias ('image') or an image fingerprint ('fingerprint')");
    assertThatThrownBy(() -> spec("erp", "abe2ce11c7e0", null, null, null, null, null))
        .hasMessageContaining("field 'fingerprint': set either 'image' or 'fingerprint', not both");
    assertThatThrownBy(() -> spec(null, "xyz", null, null, null, null, null))
        .hasMessageContaining("field 'fingerprint': must be 12 to 64 hex digits");
    assertThat(spec(null, "ABE2CE11C7E0", null, null, null, null, null).fingerprint()).isEqualTo("abe2ce11c7e0");
  }

  @Test
  void limitsAreCheckedBeforeTheyReachIncus() {
    assertThat(spec("erp", null, "0-1,3", "50%", null, null, null).cpu()).isEqualTo("0-1,3");
    assertThatThrownBy(() -> spec("erp", null, "two", null, null, null, null))
        .hasMessageContaining("field 'cpu': \"two\" is neither a number of CPUs");
    assertThatThrownBy(() -> spec("erp", null, null, "lots", null, null, null))
        .hasMessageContaining("field 'memory': \"lots\" is not a memory size");
  }

  @Test
  void variableNamesAreCheckedAndASecretInAPlainVariableIsRefused() {
    assertThatThrownBy(() -> spec("erp", null, null, null, Map.of("BAD-NAME", "x"), null, null))
        .hasMessageContaining("field 'environment': \"BAD-NAME\" is not a valid environment variable name");
    assertThatThrownBy(() -> spec("erp", null, null, null, Map.of("DB_PASSWORD", Secret.MASK), null, null))
        .hasMessageContaining("field 'environment.DB_PASSWORD': holds a secret; pass secrets to init commands with "
            + "'initSecrets'");
  }

  @Test
  void reservedAndMisplacedConfigKeysAreRefused() {
    assertThatThrownBy(() -> spec("erp", null, null, null, null, Map.of("user.tenantwright.owner", "me"), null))
        .hasMessageContaining("field 'config.user.tenantwright.owner': is reserved");
    assertThatThrownBy(() -> spec("erp", null, null, null, null, Map.of("environment.X", "1"), null))
        .hasMessageContaining("belongs in the field 'environment'");
    assertThatThrownBy(() -> spec("erp", null, null, null, null, Map.of("limits.memory", "1GiB"), null))
        .hasMessageContaining("belongs in the field 'memory'");
  }

  @Test
  void exposedPortsAreValidatedAndMayNotRepeat() {
    assertThatThrownBy(() -> new Expose(70000, 80, null, null, null, null))
        .hasMessageContaining("field 'expose.hostPort': must be between 1 and 65535, was 70000");
    assertThatThrownBy(() -> new Expose(24001, 80, "example.com", null, null, null))
        .hasMessageContaining("field 'expose.listen': \"example.com\" is not an IP address");
    assertThatThrownBy(() -> new Expose(24001, 80, null, "sctp", null, null))
        .hasMessageContaining("field 'expose.protocol': must be 'tcp' or 'udp'");
    assertThatThrownBy(() -> spec("erp", null, null, null, null, null,
        List.of(Expose.tcp(24001, 80), Expose.tcp(24001, 8080))))
        .hasMessageContaining("host port 24001/tcp is exposed twice");
    assertThat(new Expose(24001, 53, "::", "UDP", null, null).deviceName()).isEqualTo("tw-udp-24001");
  }

  @Test
  void initCommandsAreArgvListsWithAbsoluteWorkingDirectories() {
    assertThatThrownBy(() -> new InitCommand(List.of(), null, null, null, null))
        .hasMessageContaining("field 'init.command': must name a program");
    assertThatThrownBy(() -> new InitCommand(List.of("/bin/x"), null, "relative", null, null))
        .hasMessageContaining("field 'init.cwd': must be an absolute path");
    assertThat(InitCommand.of("/bin/x", "a b").command()).containsExactly("/bin/x", "a b");
  }

  @Test
  void theConfigDefaultsToTheLocalSocketAndChecksItsCombinations() {
    IncusConfig local = IncusConfig.localDefaults();
    assertThat(local.socket()).isEqualTo(IncusConfig.DEFAULT_SOCKET);
    assertThat(local.project()).isEqualTo("default");
    assertThat(local.listenAddress()).isEqualTo("127.0.0.1");
    assertThat(local.hostFor("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(local.hostFor("0.0.0.0")).isEqualTo("localhost");

    assertThatThrownBy(() -> new IncusConfig("/s", "https://x:8443", null, null, null, null, null, null, null, null))
        .hasMessageContaining("field 'socket': set either 'socket' (local server) or 'url' (remote server)");
    assertThatThrownBy(() -> new IncusConfig(null, "https://x:8443", null, null, null, null, null, null, null, null))
        .hasMessageContaining("field 'clientCert': an https server needs a client certificate");
    assertThatThrownBy(() -> new IncusConfig(null, "ftp://x", null, null, null, null, null, null, null, null))
        .hasMessageContaining("field 'url': must start with https://");
    assertThatThrownBy(() -> new IncusConfig(null, null, null, null, "ab", null, null, null, null, null))
        .hasMessageContaining("field 'serverCertFingerprint': only applies to an https 'url'");
    assertThatThrownBy(() -> new IncusConfig(null, "https://x", "c", Secret.of("k"), "zz", null, null, null, null, null))
        .hasMessageContaining("field 'serverCertFingerprint': must be a SHA-256 fingerprint");
    assertThatThrownBy(() -> new IncusConfig(null, null, null, null, null, "bad name", null, null, null, null))
        .hasMessageContaining("field 'project'");
    assertThatThrownBy(() -> new IncusConfig(null, null, null, null, null, null, "any", null, null, null))
        .hasMessageContaining("field 'listenAddress'");
  }

  @Test
  void i1_aVirtualMachineCannotExposePortsThroughNonNatProxies() {
    assertThatThrownBy(() -> new InstanceSpec("erp", null, null, null, "virtual-machine", null, null, null, null, null,
        null, null, List.of(Expose.tcp(24001, 8080)), null, null, null))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'expose'")
        .hasMessageContaining("virtual-machine")
        .hasMessageContaining("NAT");
  }

  @Test
  void sec17_configKeysThatReachTheHostAreRefused() {
    for (String key : List.of("security.privileged", "raw.lxc", "raw.idmap", "raw.apparmor", "raw.seccomp", "raw.qemu",
        "linux.kernel_modules", "security.idmap.base", "security.idmap.size", "security.syscalls.intercept.mount",
        "security.syscalls.deny_default", "boot.host_shutdown_timeout", "security.selinux.domain")) {
      assertThatThrownBy(() -> spec("erp", null, null, null, null, Map.of(key, "true"), null)).as(key)
          .isInstanceOf(PermanentException.class)
          .hasMessageContaining("field 'config." + key + "'");
    }
    assertThat(spec("erp", null, null, null, null, Map.of("security.nesting", "true", "boot.autostart", "true",
        "limits.processes", "500", "security.idmap.isolated", "true", "user.erp.plan", "gold"), null).config())
        .hasSize(5);
  }

  @Test
  void sec17_aRemoteImageServerMustBeHttps() {
    assertThatThrownBy(() -> new InstanceSpec("debian/12", null, "http://images.example.com", null, null, null, null,
        null, null, null, null, null, null, null, null, null))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'imageServer': must be an https:// URL");
  }

  @Test
  void theConfigNeverShowsTheClientKey() {
    IncusConfig c = new IncusConfig(null, "https://incus:8443", "cert.pem", Secret.of("-----BEGIN PRIVATE KEY-----xyz"),
        null, null, null, null, null, null);
    assertThat(c.toString()).contains("https://incus:8443").doesNotContain("xyz").doesNotContain("BEGIN");
  }
}
