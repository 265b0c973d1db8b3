package dev.tenantwright.plugin.incus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.tenantwright.plugin.incus.IncusConfig;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.TestStepContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTPS transport against a local TLS server that, like Incus, presents a self-signed certificate (without
 * the address it is reached at) and demands a client certificate.
 */
class IncusTlsTest {

  static final Path TLS = Path.of("src/test/resources/tls");

  HttpsServer server;
  final List<String> clientsSeen = new CopyOnWriteArrayList<>();

  static String read(String file) throws IOException {
    return Files.readString(TLS.resolve(file), StandardCharsets.US_ASCII);
  }

  @BeforeEach
  void startServer() throws Exception {
    X509Certificate serverCert = IncusTls.certificates(read("server.crt"), "test").get(0);
    PrivateKey serverKey = IncusTls.privateKey(read("server.key"), "test");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", serverKey, new char[0], new X509Certificate[] {serverCert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("client", IncusTls.certificates(read("client.crt"), "test").get(0));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setNeedClientAuth(true);
        p.setProtocols(new String[] {"TLSv1.3"});
        params.setSSLParameters(p);
      }
    });
    server.createContext("/1.0/instances/", exchange -> {
      X509Certificate client = (X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0];
      clientsSeen.add(client.getSubjectX500Principal().getName() + " " + exchange.getRequestURI());
      byte[] body = ("{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\",\"error_code\":404,"
          + "\"error\":\"Instance not found\",\"metadata\":null}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(404, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  IncusConfig https(String fingerprint, String cert, Secret key) {
    return new IncusConfig(null, "https://127.0.0.1:" + server.getAddress().getPort(), cert, key, fingerprint,
        "tenants", null, null, null, null);
  }

  String serverFingerprint() throws IOException {
    return IncusTls.fingerprint(IncusTls.certificates(read("server.crt"), "test").get(0));
  }

  @Test
  void talksToAServerWhosePinnedCertificateNamesNoHostAndPresentsTheClientCertificate() throws IOException {
    IncusApi api = IncusClients.build(https(serverFingerprint(), read("client.crt"), Secret.of(read("client.key"))));

    assertThat(api.instance("erp")).isEmpty();
    assertThat(clientsSeen).singleElement().satisfies(s -> assertThat(s)
        .contains("CN=incus-test-client").contains("/1.0/instances/erp?project=tenants"));
  }

  @Test
  void readsCertificateAndKeyFromFilesAndAcceptsAColonSeparatedFingerprint() throws IOException {
    String colons = serverFingerprint().replaceAll("(..)(?!$)", "$1:").toUpperCase(Locale.ROOT);
    IncusApi api = IncusClients.build(https(colons, TLS.resolve("client.crt").toString(),
        Secret.of(TLS.resolve("client.key").toString())));

    assertThat(api.instance("erp")).isEmpty();
    assertThat(clientsSeen).hasSize(1);
  }

  @Test
  void aServerWithAnotherCertificateIsRefusedBeforeAnyRequest() throws IOException {
    String other = IncusTls.fingerprint(IncusTls.certificates(read("other-server.crt"), "test").get(0));
    IncusApi api = IncusClients.build(https(other, read("client.crt"), Secret.of(read("client.key"))));

    assertThatThrownBy(() -> api.instance("erp"))
        .as("a certificate that is not the pinned one will not match on a retry")
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("GET /1.0/instances/erp")
        .hasRootCauseMessage("the Incus server's certificate (SHA-256 " + serverFingerprint()
            + ") is not the pinned one (serverCertFingerprint)");
    assertThat(clientsSeen).isEmpty();
  }

  /**
   * A TLS server on a raw socket that answers the first request of a connection and then, on the same kept-alive
   * connection, reads the next request and drops the connection without an answer — the stale pooled
   * connection after which OkHttp re-sends a request by itself unless {@code retryOnConnectionFailure} is off.
   */
  @Test
  void i4_aRequestLostOnAStalePinnedConnectionIsNotSentAgain() throws Exception {
    SSLContext context = serverContext();
    List<String> requests = new CopyOnWriteArrayList<>();
    try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      Thread acceptor = new Thread(() -> {
        while (!listener.isClosed()) {
          try (Socket socket = listener.accept()) {
            InputStream in = socket.getInputStream();
            String first = readRequest(in);
            if (first == null) {
              continue;
            }
            requests.add(first);
            if (first.startsWith("GET")) {
              byte[] body = ("{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\","
                  + "\"error_code\":404,\"error\":\"Instance not found\",\"metadata\":null}").getBytes(StandardCharsets.UTF_8);
              OutputStream out = socket.getOutputStream();
              out.write(("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                  + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
              out.write(body);
              out.flush();
              String second = readRequest(in);
              if (second != null) {
                requests.add(second);
              }
            }
            // closing without an answer
          } catch (IOException e) {
            // the listener was closed, or the client went away
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      IncusConfig config = new IncusConfig(null, "https://127.0.0.1:" + listener.getLocalPort(), read("client.crt"),
          Secret.of(read("client.key")), serverFingerprint(), "tenants", null, null, null, null);
      IncusApi api = IncusClients.build(config);
      TestStepContext ctx = TestStepContext.builder().config(config).budget(Duration.ofSeconds(30)).build();

      assertThat(api.instance("erp")).isEmpty();
      assertThatThrownBy(() -> api.exec("erp", List.of("/opt/erp/init"), Map.of(), null, null, null, "init", ctx))
          .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.outcomeUnknown()).isTrue());

      assertThat(requests).filteredOn(r -> r.startsWith("POST")).as("the exec reached the server exactly once")
          .hasSize(1);
    }
  }

  /** Reads one request's head and body; null at the end of the stream. */
  private static String readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    if (c == -1) {
      return null;
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return head.substring(0, head.indexOf("\r\n"));
  }

  private static SSLContext serverContext() throws Exception {
    X509Certificate serverCert = IncusTls.certificates(read("server.crt"), "test").get(0);
    PrivateKey serverKey = IncusTls.privateKey(read("server.key"), "test");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", serverKey, new char[0], new X509Certificate[] {serverCert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("client", IncusTls.certificates(read("client.crt"), "test").get(0));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  @Test
  void rsaKeysInPkcs1AndPkcs8AreBothRead() throws IOException {
    assertThat(IncusTls.privateKey(read("rsa-pkcs1.key"), "clientKey").getAlgorithm()).isEqualTo("RSA");
    assertThat(IncusTls.privateKey(read("rsa-pkcs8.key"), "clientKey").getAlgorithm()).isEqualTo("RSA");
    assertThat(IncusTls.privateKey(read("client.key"), "clientKey").getAlgorithm()).isEqualTo("EC");
    assertThat(IncusTls.material(new IncusConfig(null, "https://incus.example:8443", read("rsa.crt"),
        Secret.of(read("rsa-pkcs8.key")), null, null, null, null, null, null)).pinned()).isFalse();
  }

  @Test
  void unusableCertificateMaterialIsAPermanentErrorThatNamesTheFieldButNoContent() throws IOException {
    String key = read("client.key");
    assertThatThrownBy(() -> IncusTls.material(new IncusConfig(null, "https://incus.example:8443",
        "/no/such/client.crt", Secret.of(key), null, null, null, null, null, null)))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'clientCert'")
        .hasMessageNotContaining("/no/such");
    assertThatThrownBy(() -> IncusTls.material(new IncusConfig(null, "https://incus.example:8443", read("client.crt"),
        Secret.of(read("client.crt")), null, null, null, null, null, null)))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'clientKey': holds no PEM private key block");
    assertThatThrownBy(() -> IncusTls.material(new IncusConfig(null, "https://incus.example:8443", read("client.crt"),
        Secret.of(read("rsa-pkcs8.key")), null, null, null, null, null, null)))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'clientKey': the key does not belong to the certificate")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key.substring(40, 60)));
  }
}
