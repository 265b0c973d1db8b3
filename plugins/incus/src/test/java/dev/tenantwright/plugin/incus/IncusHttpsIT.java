package dev.tenantwright.plugin.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.plugin.incus.InstanceSpec.InitCommand;
import dev.tenantwright.plugin.incus.internal.IncusClients;
import dev.tenantwright.plugin.support.RestRequest;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.TestStepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTPS transport against the real {@code incusd}: for the duration of the test the daemon also listens
 * on 127.0.0.1 (unless it already does) and trusts the test client certificate for the test project only;
 * both are undone afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncusHttpsIT {

  static final Path CLIENT_CERT = Path.of("src/test/resources/tls/client.crt");
  static final Path CLIENT_KEY = Path.of("src/test/resources/tls/client.key");

  RealIncus incus;
  String address;
  boolean weSetTheAddress;
  String clientFingerprint;
  String serverFingerprint;

  @BeforeAll
  void listenAndTrust() throws Exception {
    incus = new RealIncus("https");
    JsonNode server = incus.admin.call(RestRequest.get("/1.0")).json().path("metadata");
    String current = server.path("config").path("core.https_address").asText("");
    if (current.isEmpty()) {
      address = "127.0.0.1:" + RealIncus.freePort();
      patchServer(address);
      weSetTheAddress = true;
    } else {
      address = "127.0.0.1:" + current.substring(current.lastIndexOf(':') + 1);
    }
    serverFingerprint = incus.admin.call(RestRequest.get("/1.0")).json().path("metadata").path("environment")
        .path("certificate_fingerprint").asText();

    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(Files.newInputStream(CLIENT_CERT));
    clientFingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    incus.admin.call(RestRequest.delete("/1.0/certificates/" + clientFingerprint).expect(404));
    ObjectNode trust = SupportJson.mapper().createObjectNode()
        .put("name", incus.project)
        .put("type", "client")
        .put("certificate", Base64.getEncoder().encodeToString(cert.getEncoded()))
        .put("restricted", true);
    trust.putArray("projects").add(incus.project);
    incus.admin.call(RestRequest.post("/1.0/certificates", trust));
  }

  @AfterAll
  void undo() {
    if (incus == null) {
      return;
    }
    try {
      if (clientFingerprint != null) {
        incus.admin.call(RestRequest.delete("/1.0/certificates/" + clientFingerprint).expect(404));
      }
      if (weSetTheAddress) {
        patchServer("");
      }
    } finally {
      incus.close();
    }
  }

  private void patchServer(String httpsAddress) {
    ObjectNode body = SupportJson.mapper().createObjectNode();
    body.putObject("config").put("core.https_address", httpsAddress);
    RestResponse r = incus.admin.call(RestRequest.patch("/1.0", body));
    assertThat(r.status()).isEqualTo(200);
  }

  IncusConfig https(String fingerprint) {
    return new IncusConfig(null, "https://" + address, CLIENT_CERT.toAbsolutePath().toString(),
        Secret.of(CLIENT_KEY.toAbsolutePath().toString()), fingerprint, incus.project, "127.0.0.1", null, 30, null);
  }

  @Test
  void createsAndDeletesAnInstanceOverHttpsWithAClientCertificateAndAPinnedServer() {
    IncusConfig config = https(serverFingerprint);
    TestStepContext ctx = TestStepContext.builder().step("tls").run("it-run").config(config)
        .budget(Duration.ofMinutes(3)).realTime().build();
    InstanceSpec spec = new InstanceSpec(incus.image, null, null, null, null, null, null, null, null, null, null,
        List.of(InitCommand.of("/bin/touch", "/srv-ready")), null, null, null, null);

    CreateResult<InstanceOutputs> created = new IncusInstanceType().create(spec, ctx);

    assertThat(created.outputs().status()).isEqualTo("Running");
    assertThat(created.outputs().project()).isEqualTo(incus.project);
    assertThat(incus.instances()).containsExactly("acme--demo--tls");
    new IncusInstanceType().delete(spec, created.outputs(), ctx);
    assertThat(incus.instances()).isEmpty();
  }

  @Test
  void aServerWhoseCertificateIsNotThePinnedOneIsRefused() {
    String wrong = "00".repeat(32);
    assertThatThrownBy(() -> IncusClients.build(https(wrong)).instance("acme--demo--tls"))
        .isInstanceOf(PermanentException.class)
        .hasRootCauseMessage("the Incus server's certificate (SHA-256 " + serverFingerprint
            + ") is not the pinned one (serverCertFingerprint)");
  }
}
