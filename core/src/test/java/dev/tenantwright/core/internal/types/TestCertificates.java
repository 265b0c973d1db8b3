package dev.tenantwright.core.internal.types;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Certificates for TLS tests, made at test time with the JDK's {@code keytool} (EC P-256, in UTC): a test CA, a
 * leaf it signed for one name (valid 2000–2049, so also at {@link StepContextFake}'s 2030 clock), an expired leaf
 * it signed for the same name (valid one day in 2001), and a self-signed certificate like the one Traefik serves
 * before it has a real one ({@code CN=TRAEFIK DEFAULT CERT}, for a {@code .traefik.default} name).
 *
 * <p>Independent keytool runs go in parallel, to keep the class setup to a few seconds.
 */
final class TestCertificates {

  /** The password of every keystore made here. */
  static final char[] PASSWORD = "changeit".toCharArray();

  /** The subject of the test CA. */
  static final String CA_SUBJECT = "CN=Tenantwright Test CA";

  /** A private key with the chain that goes with it, leaf first. */
  record Identity(PrivateKey key, List<X509Certificate> chain) {
    X509Certificate leaf() {
      return chain.get(0);
    }

    /** A keystore holding this identity under the alias {@code id}, for a server's key manager. */
    KeyStore keyStore() throws GeneralSecurityException, IOException {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("id", key, PASSWORD, chain.toArray(new X509Certificate[0]));
      return store;
    }
  }

  final X509Certificate ca;
  final Identity good;
  final Identity expired;
  final Identity traefikDefault;

  private TestCertificates(X509Certificate ca, Identity good, Identity expired, Identity traefikDefault) {
    this.ca = ca;
    this.good = good;
    this.expired = expired;
    this.traefikDefault = traefikDefault;
  }

  /** Makes the certificates in {@code dir}, the leaves for {@code host}. */
  static TestCertificates generate(Path dir, String host) throws Exception {
    Path ca = dir.resolve("ca.p12");
    Path leaf = dir.resolve("leaf.p12");
    Path traefik = dir.resolve("traefik.p12");
    Path csr = dir.resolve("leaf.csr");
    Path good = dir.resolve("good.pem");
    Path expired = dir.resolve("expired.pem");
    all(
        () -> keytool("-genkeypair", "-alias", "ca", "-keystore", ca.toString(), "-dname", CA_SUBJECT,
            "-ext", "bc:c", "-startdate", "2000/01/01 00:00:00", "-validity", "36500"),
        () -> keytool("-genkeypair", "-alias", "leaf", "-keystore", leaf.toString(), "-dname", "CN=" + host),
        () -> keytool("-genkeypair", "-alias", "traefik", "-keystore", traefik.toString(),
            "-dname", "CN=TRAEFIK DEFAULT CERT", "-ext", "SAN=dns:4a1c9e0b7d.2f6e38a1c5.traefik.default",
            "-startdate", "2000/01/01 00:00:00", "-validity", "36500"));
    keytool("-certreq", "-alias", "leaf", "-keystore", leaf.toString(), "-file", csr.toString());
    all(
        () -> keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(),
            "-outfile", good.toString(), "-rfc", "-ext", "SAN=dns:" + host,
            "-startdate", "2000/01/01 00:00:00", "-validity", "18000"),
        () -> keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(),
            "-outfile", expired.toString(), "-rfc", "-ext", "SAN=dns:" + host,
            "-startdate", "2001/01/01 00:00:00", "-validity", "1"));
    KeyStore caStore = load(ca);
    X509Certificate caCert = (X509Certificate) caStore.getCertificate("ca");
    PrivateKey leafKey = (PrivateKey) load(leaf).getKey("leaf", PASSWORD);
    KeyStore traefikStore = load(traefik);
    return new TestCertificates(caCert,
        new Identity(leafKey, List.of(readPem(good), caCert)),
        new Identity(leafKey, List.of(readPem(expired), caCert)),
        new Identity((PrivateKey) traefikStore.getKey("traefik", PASSWORD),
            List.of((X509Certificate) traefikStore.getCertificate("traefik"))));
  }

  /** The test CA as PEM text. */
  String caPem() throws GeneralSecurityException {
    return pem(ca);
  }

  /** {@code cert} as PEM text. */
  static String pem(X509Certificate cert) throws GeneralSecurityException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private interface Step {
    void run() throws IOException, InterruptedException;
  }

  /** Runs {@code steps} at once, each on its own thread (the common pool may have a single one). */
  private static void all(Step... steps) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(steps.length);
    try {
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (Step step : steps) {
        running.add(CompletableFuture.runAsync(() -> {
          try {
            step.run();
          } catch (IOException | InterruptedException e) {
            throw new CompletionException(e);
          }
        }, threads));
      }
      CompletableFuture.allOf(running.toArray(new CompletableFuture<?>[0])).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      threads.shutdownNow();
    }
  }

  /** Runs keytool with {@code args} and the options every call shares; fails with its output if it fails. */
  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-J-Duser.timezone=UTC", "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    argv.addAll(List.of(args));
    if (args[0].equals("-genkeypair")) {
      argv.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1"));
    }
    argv.addAll(List.of("-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-noprompt"));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + output);
    }
  }

  private static KeyStore load(Path file) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    return store;
  }

  private static X509Certificate readPem(Path file) throws GeneralSecurityException, IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
