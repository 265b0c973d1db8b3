package dev.tenantwright.testkit.tls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A test certificate authority: for a list of DNS names, a CA certificate, a certificate it signed covering those
 * names, and a self-signed fallback certificate for no name in particular — EC P-256 keys, valid from yesterday for
 * ten years. Made with the JDK's {@code keytool} (always present, so the test kit needs no crypto library), once
 * per JVM for each list of names: keytool takes a second or two.
 *
 * <p>Thread-safe. Not API.
 */
public final class TestPki {

  /** The subject of the fallback certificate. */
  public static final String FALLBACK_SUBJECT = "CN=FAKE DEFAULT CERT";

  /** The subject of the CA certificate. */
  public static final String CA_SUBJECT = "CN=Tenantwright TlsFake CA";

  private static final char[] PASSWORD = "changeit".toCharArray();
  private static final Map<List<String>, TestPki> MADE = new ConcurrentHashMap<>();

  /** A private key with its certificate chain, leaf first. */
  public record Identity(PrivateKey key, List<X509Certificate> chain) {}

  private final X509Certificate ca;
  private final Identity site;
  private final Identity fallback;

  private TestPki(X509Certificate ca, Identity site, Identity fallback) {
    this.ca = ca;
    this.site = site;
    this.fallback = fallback;
  }

  /**
   * The authority for {@code names}, made on first use.
   *
   * @throws UncheckedIOException when keytool fails
   */
  public static TestPki forNames(List<String> names) {
    return MADE.computeIfAbsent(List.copyOf(names), TestPki::make);
  }

  /** The CA certificate. */
  public X509Certificate ca() {
    return ca;
  }

  /** The CA-signed certificate for the names, with the CA certificate as its chain. */
  public Identity site() {
    return site;
  }

  /** The self-signed certificate for no requested name. */
  public Identity fallback() {
    return fallback;
  }

  private static TestPki make(List<String> names) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("tenantwright-fake-tls");
      Path ca = dir.resolve("ca.p12");
      Path site = dir.resolve("site.p12");
      Path fallback = dir.resolve("fallback.p12");
      Path csr = dir.resolve("site.csr");
      Path signed = dir.resolve("site.pem");
      StringBuilder san = new StringBuilder("SAN=");
      for (String name : names) {
        san.append(san.length() == 4 ? "" : ",").append("dns:").append(name);
      }
      List<Process> first = List.of(
          keytool("-genkeypair", "-alias", "ca", "-keystore", ca.toString(), "-dname", CA_SUBJECT, "-ext", "bc:c"),
          keytool("-genkeypair", "-alias", "site", "-keystore", site.toString(), "-dname", "CN=" + names.get(0)),
          keytool("-genkeypair", "-alias", "fallback", "-keystore", fallback.toString(), "-dname", FALLBACK_SUBJECT,
              "-ext", "SAN=dns:default.fake-tls.invalid"));
      for (Process p : first) {
        await(p);
      }
      await(keytool("-certreq", "-alias", "site", "-keystore", site.toString(), "-file", csr.toString()));
      await(keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(),
          "-outfile", signed.toString(), "-rfc", "-ext", san.toString()));
      X509Certificate caCert = (X509Certificate) load(ca).getCertificate("ca");
      X509Certificate siteCert;
      try (InputStream in = Files.newInputStream(signed)) {
        siteCert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      KeyStore fallbackStore = load(fallback);
      return new TestPki(caCert,
          new Identity((PrivateKey) load(site).getKey("site", PASSWORD), List.of(siteCert, caCert)),
          new Identity((PrivateKey) fallbackStore.getKey("fallback", PASSWORD),
              List.of((X509Certificate) fallbackStore.getCertificate("fallback"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read what keytool made", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while keytool made test certificates", e);
    } finally {
      deleteQuietly(dir);
    }
  }

  /** Starts keytool with {@code args} and the options every call shares. */
  private static Process keytool(String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    argv.addAll(List.of(args));
    if (args[0].equals("-genkeypair") || args[0].equals("-gencert")) {
      argv.addAll(List.of("-startdate", "-1d", "-validity", "3650"));
    }
    if (args[0].equals("-genkeypair")) {
      argv.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1"));
    }
    argv.addAll(List.of("-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-noprompt"));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    return p;
  }

  private static void await(Process p) throws IOException, InterruptedException {
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("keytool failed (exit " + p.exitValue() + "): " + output.strip());
    }
  }

  private static KeyStore load(Path file) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    return store;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a temporary directory left behind is harmless
    }
  }
}
