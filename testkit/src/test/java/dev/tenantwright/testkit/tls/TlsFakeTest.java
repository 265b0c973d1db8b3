package dev.tenantwright.testkit.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.ReadmeSnippets;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFakeTest {

  @TempDir
  Path dir;

  /** Shakes hands with {@code tls} asking for {@code name}, trusting only its CA; returns the server's leaf. */
  private static X509Certificate handshake(TlsFake tls, String name) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(tls.caPem().getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(tls.address(), tls.port())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(name)));
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void presentsACertificateItsCaSignedForEachOfItsNames() throws Exception {
    try (TlsFake tls = TlsFake.serving("shop.example.com", "www.shop.example.com")) {
      X509Certificate apex = handshake(tls, "shop.example.com");
      X509Certificate www = handshake(tls, "WWW.shop.example.com");

      assertThat(apex).isEqualTo(www);
      assertThat(apex.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
          .containsExactly("shop.example.com", "www.shop.example.com");
      assertThat(tls.address()).isEqualTo("127.0.0.1");
      assertThat(tls.handshakes()).containsExactly("shop.example.com", "www.shop.example.com");
    }
  }

  /** Shakes hands with {@code tls} asking for {@code name}, trusting anything; returns what the server presented. */
  private static X509Certificate presented(TlsFake tls, String name) throws Exception {
    X509Certificate[] seen = new X509Certificate[1];
    X509TrustManager anything = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("a client only");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen[0] = chain[0];
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {anything}, null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(tls.address(), tls.port())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(name)));
      socket.setSSLParameters(parameters);
      socket.startHandshake();
    }
    return seen[0];
  }

  @Test
  void presentsASelfSignedFallbackCertificateForAnyOtherName() throws Exception {
    try (TlsFake tls = TlsFake.serving("shop.example.com")) {
      X509Certificate fallback = presented(tls, "other.example.com");

      assertThat(fallback.getSubjectX500Principal().getName()).isEqualTo(TlsFake.FALLBACK_SUBJECT);
      assertThat(fallback.getIssuerX500Principal()).isEqualTo(fallback.getSubjectX500Principal());
      assertThatThrownBy(() -> handshake(tls, "other.example.com")).as("a client that checks refuses it")
          .isInstanceOf(SSLHandshakeException.class);
      assertThat(presented(tls, "shop.example.com").getSubjectX500Principal().getName())
          .isEqualTo("CN=shop.example.com");
      assertThat(tls.handshakes())
          .containsExactly("other.example.com", "other.example.com", "shop.example.com");
    }
  }

  @Test
  void nothingAnswersOnceItIsClosed() throws Exception {
    TlsFake tls = TlsFake.serving("shop.example.com");
    handshake(tls, "shop.example.com");

    tls.close();

    assertThatThrownBy(() -> handshake(tls, "shop.example.com")).isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void refusesWhatIsNotADnsName() {
    assertThatThrownBy(TlsFake::serving).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TlsFake.serving("*.example.com")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("*.example.com");
    assertThatThrownBy(() -> TlsFake.serving("shop.example.com:443")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theReadmeShowsThisExample() throws Exception {
    // FAKE-TLS-BEGIN
    try (TlsFake tls = TlsFake.serving("shop.example.com");
        Tenantwright tw = Tenantwright.builder().embedded(dir).egressAllow(tls.address())
            .blueprint(Blueprint.builder("site").resource("https", "tls.certificate", r -> r
                .param("host", "shop.example.com").param("connectTo", tls.address()).param("port", tls.port())
                .param("trust", tls.caPem())).build())
            .build()) {
      Tenant tenant = tw.tenants().create(NewTenant.company("Acme").email("ops@acme.example"));
      Run run = tw.environments().provision(tenant.id(), EnvironmentKind.DEMO, RunOptions.defaults())
          .await(Duration.ofMinutes(1));

      assertThat(run.state()).as(run.error()).isEqualTo(RunState.SUCCEEDED);
      assertThat(tls.handshakes()).containsExactly("shop.example.com");
    }
    // FAKE-TLS-END
    ReadmeSnippets.assertShows(Path.of("README.md"), "## TlsFake",
        Path.of("src/test/java/dev/tenantwright/testkit/tls/TlsFakeTest.java"), "FAKE-TLS");
  }
}
