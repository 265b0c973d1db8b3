package dev.tenantwright.core.internal.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.internal.net.EgressPolicy;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsCertificateTypeTest {

  static final String HOST = "shop.example.test";

  @TempDir
  static java.nio.file.Path keys;

  static TestCertificates certs;

  /** The tests' servers listen on loopback, which the host allows here as a sandbox would. */
  private final TlsCertificateType type = new TlsCertificateType(new EgressPolicy(List.of("127.0.0.1")));
  private final List<AutoCloseable> servers = new ArrayList<>();

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TestCertificates.generate(keys, HOST);
  }

  @AfterEach
  void stopServers() throws Exception {
    for (AutoCloseable s : servers) {
      s.close();
    }
  }

  private TlsServer serve(TestCertificates.Identity identity) throws Exception {
    TlsServer server = TlsServer.start(identity);
    servers.add(server);
    return server;
  }

  /** A check of {@link #HOST} through {@code server}, trusting the test CA. */
  private static TlsCertificateSpec spec(TlsServer server, String timeout, String minValidity) throws Exception {
    return spec(server.port(), certs.caPem(), timeout, minValidity);
  }

  private static TlsCertificateSpec spec(int port, String trust, String timeout, String minValidity) {
    return new TlsCertificateSpec(HOST, port, "127.0.0.1", trust, minValidity, timeout, null);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void passesForATrustedCertificateThatCoversTheNameAndReportsItsDetails() throws Exception {
    TlsServer server = serve(certs.good);
    StepContextFake ctx = StepContextFake.create();

    CreateResult<TlsCertificateOutputs> result = type.create(spec(server, "1m", "3650d"), ctx);

    assertThat(result.origin()).isEqualTo(CreateResult.Origin.CREATED);
    TlsCertificateOutputs out = result.outputs();
    assertThat(out.host()).isEqualTo(HOST);
    assertThat(out.port()).isEqualTo(server.port());
    assertThat(out.notAfter()).isEqualTo(certs.good.leaf().getNotAfter().toInstant().toString()).startsWith("2049-");
    assertThat(out.issuer()).isEqualTo(TestCertificates.CA_SUBJECT);
    assertThat(out.sha256()).isEqualTo(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certs.good.leaf().getEncoded())));
    assertThat(out.subjectAltNames()).containsExactly(HOST);
    assertThat(server.serverNames()).as("SNI names the host, not the address connected to").containsExactly(HOST);
    assertThat(ctx.pauses()).isEmpty();
    assertThat(ctx.reports().get(ctx.reports().size() - 1).percent()).isEqualTo(100);
  }

  @Test
  void t2_keepsWaitingWhileTheServerPresentsItsDefaultCertificateThenFailsSayingItIsForOtherNames() throws Exception {
    TlsServer server = serve(certs.traefikDefault);
    StepContextFake ctx = StepContextFake.create();

    assertThatThrownBy(() -> type.create(spec(server, "20s", null), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining(HOST + ":" + server.port())
        .hasMessageContaining("within 20s (4 tries)")
        .hasMessageContaining("last certificate for other names (CN=TRAEFIK DEFAULT CERT: ")
        .hasMessageContaining(".traefik.default");
    assertThat(ctx.pauses()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5));
    assertThat(server.serverNames()).hasSize(4).containsOnly(HOST);
    assertThat(ctx.reports()).extracting(StepContextFake.Report::message)
        .anySatisfy(m -> assertThat(m).contains("certificate for other names").contains("(try 1)"));
  }

  @Test
  void refusesAnExpiredCertificateSayingWhenItExpired() throws Exception {
    TlsServer server = serve(certs.expired);

    assertThatThrownBy(() -> type.create(spec(server, "1s", null), StepContextFake.create()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("last certificate expired on 2001-01-02T00:00:00Z");
  }

  @Test
  void refusesACertificateFromACaItDoesNotTrust() throws Exception {
    TlsServer server = serve(certs.good);

    assertThatThrownBy(() -> type.create(spec(server.port(), null, "1s", null), StepContextFake.create()))
        .as("the JVM's default trust store does not hold the test CA")
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("last certificate not trusted (issuer " + TestCertificates.CA_SUBJECT + ")");
    String otherCa = TestCertificates.pem(certs.traefikDefault.leaf());
    assertThatThrownBy(() -> type.create(spec(server.port(), otherCa, "1s", null), StepContextFake.create()))
        .as("trust replaces the default store: only the CAs given count")
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("certificate not trusted");
  }

  @Test
  void refusesACertificateThatExpiresBeforeMinValidity() throws Exception {
    TlsServer server = serve(certs.good);

    assertThatThrownBy(() -> type.create(spec(server, "1s", "9000d"), StepContextFake.create()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("last certificate valid only until 2049-")
        .hasMessageContaining("(less than minValidity 9000d)");
  }

  @Test
  void passesOnceTheServerStartsAfterACoupleOfTries() throws Exception {
    int port = freePort();
    StepContextFake ctx = StepContextFake.create().onPause(n -> {
      if (n == 2) {
        try {
          servers.add(TlsServer.start(certs.good, port));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    });

    TlsCertificateOutputs out = type.create(spec(port, certs.caPem(), null, null), ctx).outputs();

    assertThat(out.subjectAltNames()).containsExactly(HOST);
    assertThat(ctx.pauses()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
    assertThat(ctx.reports()).extracting(StepContextFake.Report::message)
        .anySatisfy(m -> assertThat(m).contains("connection refused").contains("(try 2)"));
  }

  @Test
  void backsOffFromFiveSecondsDoublingUpToThirtySeconds() throws Exception {
    int port = freePort();
    StepContextFake ctx = StepContextFake.create();

    assertThatThrownBy(() -> type.create(spec(port, null, "2m", null), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("within 2m (7 tries): last connection refused");
    assertThat(ctx.pauses()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
        Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(25));
  }

  @Test
  void stopsAtTheStepDeadlineWhenThatComesFirst() throws Exception {
    TlsServer server = serve(certs.traefikDefault);
    StepContextFake ctx = StepContextFake.withDeadlineIn(Duration.ofSeconds(12));

    assertThatThrownBy(() -> type.create(spec(server, null, null), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("within 12s")
        .hasMessageContaining("certificate for other names");
    assertThat(ctx.elapsed()).isEqualTo(Duration.ofSeconds(12));
  }

  @Test
  void reportsAServerThatAcceptsButNeverAnswersTheHandshake() throws Exception {
    ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    servers.add(silent);

    assertThatThrownBy(() -> type.create(spec(silent.getLocalPort(), null, "1s", null), StepContextFake.create()))
        .isInstanceOf(PermanentException.class)
        .as("a try at the deadline still gets half a second")
        .hasMessageMatching(".*within 1s \\(2 tries\\): last no answer to the TLS handshake within (4\\d\\d|500)ms");
  }

  @Test
  void aServerThatAnswersAByteAtATimeCannotHoldATryOpenPastItsBudget() throws Exception {
    ServerSocket dripping = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    servers.add(dripping);
    Thread drip = new Thread(() -> {
      try (java.net.Socket client = dripping.accept()) {
        java.io.OutputStream out = client.getOutputStream();
        out.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00}); // a handshake record of 16 KiB, announced
        for (int i = 0; i < 300 && !dripping.isClosed(); i++) {
          out.write(0); // ... and sent a byte every 100 ms, each well within the read timeout
          out.flush();
          Thread.sleep(100);
        }
      } catch (IOException | InterruptedException e) {
        // the client hung up: what this test expects
      }
    });
    drip.setDaemon(true);
    drip.start();

    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
        assertThatThrownBy(() -> type.create(spec(dripping.getLocalPort(), null, "1s", null), StepContextFake.create()))
            .isInstanceOf(PermanentException.class)
            .hasMessageContaining("last no answer to the TLS handshake within"));
  }

  @Test
  void readIsPresentOnlyWhileTheCertificateIsGood() throws Exception {
    TlsServer server = serve(certs.good);
    TlsCertificateSpec spec = spec(server, null, null);

    assertThat(type.read(spec, null, StepContextFake.create())).hasValueSatisfying(o ->
        assertThat(o.subjectAltNames()).containsExactly(HOST));
    server.close();
    assertThat(type.read(spec, null, StepContextFake.create())).isEmpty();
  }

  @Test
  void resetChecksAgain() throws Exception {
    TlsServer server = serve(certs.good);
    TlsCertificateSpec spec = spec(server, null, null);

    assertThat(type.reset(spec, null, StepContextFake.create()).host()).isEqualTo(HOST);
    assertThat(server.serverNames()).hasSize(1);
  }

  @Test
  void stopsWhenTheRunIsCancelled() throws Exception {
    TlsServer server = serve(certs.good);
    StepContextFake ctx = StepContextFake.create();
    ctx.cancel();

    assertThatThrownBy(() -> type.create(spec(server, null, null), ctx)).isInstanceOf(CancellationException.class);
    assertThat(server.connections()).isZero();
  }

  // ------------------------------------------------------------------------------------------ SEC7: egress

  @Test
  void sec7_aLoopbackConnectToIsRefusedByDefaultAndNothingConnects() throws Exception {
    TlsServer server = serve(certs.good);
    TlsCertificateType strict = new TlsCertificateType(EgressPolicy.DEFAULT);

    assertThatThrownBy(() -> strict.create(spec(server, null, null), StepContextFake.create()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("127.0.0.1").hasMessageContaining("loopback").hasMessageContaining("egressAllow");
    assertThatThrownBy(() -> strict.read(spec(server, null, null), null, StepContextFake.create()))
        .isInstanceOf(PermanentException.class).hasMessageContaining("loopback");
    assertThat(server.connections()).as("the host's own service saw no connection").isZero();
  }

  @Test
  void sec7_aHostThatResolvesToLoopbackIsRefusedAfterResolution() throws Exception {
    TlsServer server = serve(certs.good);
    TlsCertificateType strict = new TlsCertificateType(EgressPolicy.DEFAULT);
    TlsCertificateSpec viaDns = new TlsCertificateSpec("localhost", server.port(), null, certs.caPem(), null, "5s",
        null);

    assertThatThrownBy(() -> strict.create(viaDns, StepContextFake.create()))
        .isInstanceOf(PermanentException.class).hasMessageContaining("localhost").hasMessageContaining("loopback");
    assertThat(server.connections()).isZero();
  }

  @Test
  void sec7_anAllowedLoopbackAddressIsChecked() throws Exception {
    TlsServer server = serve(certs.good);
    TlsCertificateType allowing = new TlsCertificateType(new EgressPolicy(List.of("127.0.0.1")));

    assertThat(allowing.create(spec(server, null, null), StepContextFake.create()).outputs().host()).isEqualTo(HOST);
    assertThat(server.connections()).isEqualTo(1);
  }

  // ------------------------------------------------------------------------------------------ the spec

  @Test
  void refusesAnInvalidSpecNamingTheField() {
    assertInvalid("host", () -> TlsCertificateSpec.of(" "));
    assertInvalid("host", () -> TlsCertificateSpec.of("*.example.test"));
    assertInvalid("host", () -> TlsCertificateSpec.of("203.0.113.7"));
    assertInvalid("host", () -> TlsCertificateSpec.of("::1"));
    assertInvalid("host", () -> TlsCertificateSpec.of("shop.example.test:8443"));
    assertInvalid("host", () -> TlsCertificateSpec.of("shop_1.example.test"));
    assertInvalid("host", () -> TlsCertificateSpec.of("https://shop.example.test/"));
    assertInvalid("port", () -> new TlsCertificateSpec(HOST, 0, null, null, null, null, null));
    assertInvalid("port", () -> new TlsCertificateSpec(HOST, 65536, null, null, null, null, null));
    assertInvalid("connectTo", () -> new TlsCertificateSpec(HOST, null, "127.0.0.1:8443", null, null, null, null));
    assertInvalid("connectTo", () -> new TlsCertificateSpec(HOST, null, "300.1.2.3", null, null, null, null));
    assertInvalid("connectTo", () -> new TlsCertificateSpec(HOST, null, "lb .example", null, null, null, null));
    assertInvalid("trust", () -> new TlsCertificateSpec(HOST, null, null, "not a certificate", null, null, null));
    assertInvalid("trust", () -> new TlsCertificateSpec(HOST, null, null,
        "-----BEGIN CERTIFICATE-----\nbm90IGRlcg==\n-----END CERTIFICATE-----", null, null, null));
    assertInvalid("trust", () -> new TlsCertificateSpec(HOST, null, null,
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" + certs.caPem(), null, null, null));
    assertInvalid("minValidity", () -> new TlsCertificateSpec(HOST, null, null, null, "a week", null, null));
    assertInvalid("minValidity", () -> new TlsCertificateSpec(HOST, null, null, null, "36501d", null, null));
    assertInvalid("timeout", () -> new TlsCertificateSpec(HOST, null, null, null, null, "0s", null));
    assertInvalid("interval", () -> new TlsCertificateSpec(HOST, null, null, null, null, null, "soon"));
  }

  private static void assertInvalid(String field, org.assertj.core.api.ThrowableAssert.ThrowingCallable spec) {
    assertThatThrownBy(spec).isInstanceOf(PermanentException.class)
        .hasMessageContaining("tls.certificate spec, field '" + field + "'");
  }

  @Test
  void takesEmptyTextAsNotSetAndNormalisesTheHost() {
    TlsCertificateSpec spec = new TlsCertificateSpec("Shop.Example.TEST.", null, "", " ", "", "", "");

    assertThat(spec.host()).isEqualTo(HOST);
    assertThat(spec.connectTo()).isNull();
    assertThat(spec.connectTarget()).isEqualTo(HOST);
    assertThat(spec.trustedCertificates()).isEmpty();
    assertThat(spec.portNumber()).isEqualTo(443);
    assertThat(spec.minValidityDuration()).isEmpty();
    assertThat(spec.timeoutDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(spec.intervalDuration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(new TlsCertificateSpec(HOST, 8443, "[::1]", null, null, null, null).connectTo()).isEqualTo("::1");
  }

  @Test
  void readsTrustedCasWhoseLineBreaksAreWrittenAsSpaces() throws Exception {
    String oneLine = ("# test CA\n" + certs.caPem() + certs.caPem()).replace('\n', ' ');

    assertThat(new TlsCertificateSpec(HOST, null, null, oneLine, null, null, null).trustedCertificates())
        .containsExactly(certs.ca, certs.ca);
  }

  @Test
  void matchesAWildcardForExactlyOneLabel() {
    List<String> names = List.of("*.example.test", "*.test");

    assertThat(TlsCertificateType.covers(names, "shop.example.test")).isTrue();
    assertThat(TlsCertificateType.covers(names, "a.shop.example.test")).isFalse();
    assertThat(TlsCertificateType.covers(names, "example.test")).as("*.test covers no registrable domain").isFalse();
    assertThat(TlsCertificateType.covers(List.of("shop.example.test."), "shop.example.test")).isTrue();
    assertThat(TlsCertificateType.covers(List.of(), "shop.example.test")).isFalse();
  }

  @Test
  void readsDaysInDurations() {
    assertThat(new TlsCertificateSpec(HOST, null, null, null, "7d", null, null).minValidityDuration())
        .contains(Duration.ofDays(7));
    assertThat(new TlsCertificateSpec(HOST, null, null, null, "1d12h", null, null).minValidityDuration())
        .contains(Duration.ofHours(36));
    assertThatThrownBy(() -> new TlsCertificateSpec(HOST, null, null, null, "99999999999999999d", null, null))
        .isInstanceOf(PermanentException.class);
  }
}
