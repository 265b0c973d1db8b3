package dev.tenantwright.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's configuration file: YAML and properties, every key, and the mistakes it refuses by name. */
class ServerConfigTest {

  @TempDir
  Path dir;

  @Test
  void yamlSetsEveryKey() throws Exception {
    Path f = dir.resolve("server.yaml");
    Files.writeString(f, """
        port: 9090
        host: 0.0.0.0
        dataDir: /var/lib/tw
        pluginsDir: /opt/tw/plugins
        blueprintsDir: /opt/tw/blueprints
        node: web-1
        publicUrl: https://tw.example.com/
        defaultBlueprint: vercel-site
        secretKeyFile: /etc/tw/secret.key
        leaseSeconds: 12
        egressAllow: ['10.0.0.0/8']
        platformDomains: [sites.example.com]
        journal: {url: 'jdbc:postgresql://db/tw', user: tw, password: pw}
        limits: {requestBytes: 65536, ratePerMinute: 100, maxSubscribers: 10}
        approvals: {twoPerson: true}
        plugins:
          vercel: {token: t, pollInterval: 1s}
        """);
    ServerConfig c = ServerConfig.load(f).build();
    assertThat(c.port()).isEqualTo(9090);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/tw"));
    assertThat(c.node()).isEqualTo("web-1");
    assertThat(c.publicUrl()).isEqualTo("https://tw.example.com");
    assertThat(c.lease()).isEqualTo(Duration.ofSeconds(12));
    assertThat(c.egressAllow()).containsExactly("10.0.0.0/8");
    assertThat(c.platformDomains()).containsExactly("sites.example.com");
    assertThat(c.journalUrl()).isEqualTo("jdbc:postgresql://db/tw");
    assertThat(c.requestBytes()).isEqualTo(65536);
    assertThat(c.ratePerMinute()).isEqualTo(100);
    assertThat(c.maxSubscribers()).isEqualTo(10);
    assertThat(c.twoPersonApproval()).isTrue();
    assertThat(c.secretKeyFile()).isEqualTo(Path.of("/etc/tw/secret.key"));
    assertThat(c.plugins().get("vercel")).containsEntry("token", "t").containsEntry("pollInterval", "1s");
  }

  @Test
  void propertiesTakeTheSameKeysWithDots() throws Exception {
    Path f = dir.resolve("server.properties");
    Files.writeString(f, "port=7070\njournal.url=jdbc:postgresql://db/tw\njournal.user=tw\nlimits.ratePerMinute=5\n"
        + "approvals.twoPerson=true\nplugins.vercel.token=abc\n");
    ServerConfig c = ServerConfig.load(f).build();
    assertThat(c.port()).isEqualTo(7070);
    assertThat(c.journalUser()).isEqualTo("tw");
    assertThat(c.ratePerMinute()).isEqualTo(5);
    assertThat(c.twoPersonApproval()).isTrue();
    assertThat(c.plugins().get("vercel")).containsEntry("token", "abc");
    assertThat(c.dataDir()).as("defaults stay").isEqualTo(Path.of("data"));
  }

  @Test
  void mistakesAreRefusedNamingTheKey() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "prot: 8080\n");
    assertThatThrownBy(() -> ServerConfig.load(f)).hasMessageContaining("'prot'");
    Files.writeString(f, "limits: {ratePerMinit: 3}\n");
    assertThatThrownBy(() -> ServerConfig.load(f)).hasMessageContaining("limits.ratePerMinit");
    Files.writeString(f, "port: eighty\n");
    assertThatThrownBy(() -> ServerConfig.load(f)).hasMessageContaining("'port'");
    Files.writeString(f, "approvals: {twoPerson: maybe}\n");
    assertThatThrownBy(() -> ServerConfig.load(f)).hasMessageContaining("approvals.twoPerson");
    Files.writeString(f, "publicUrl: 'javascript:alert(1)'\n");
    assertThatThrownBy(() -> ServerConfig.load(f)).hasMessageContaining("publicUrl");
    Files.writeString(f, "node: 'a b'\n");
    assertThatThrownBy(() -> ServerConfig.load(f)).hasMessageContaining("node");
    Files.writeString(f, "journal: {user: tw}\n");
    assertThatThrownBy(() -> ServerConfig.load(f)).hasMessageContaining("journal.url");
  }
}
