package dev.tenantwright.plugin.incus.internal;

import dev.tenantwright.plugin.incus.IncusConfig;
import dev.tenantwright.spi.PermanentException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS set-up for a remote Incus server: the client certificate and key from PEM (text or file), and a
 * trust manager that accepts exactly the server certificate whose SHA-256 fingerprint is pinned — or, without
 * a pin, the JVM's trust store.
 *
 * <p>Keys may be PKCS#8 ({@code PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}, what {@code incus remote
 * generate-certificate} writes) or PKCS#1 ({@code RSA PRIVATE KEY}); encrypted keys are refused. Messages
 * name the configuration field and never contain key material. Stateless.
 */
public final class IncusTls {

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final byte[] OID_EC_PUBLIC_KEY = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
  private static final byte[] OID_RSA_ENCRYPTION =
      {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
  private static final byte[] DER_NULL = {0x05, 0x00};
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private IncusTls() {}

  /**
   * What a client needs for one server.
   *
   * @param context the SSL context with the client's key manager and the trust manager
   * @param trustManager the trust manager (pinned or default)
   * @param pinned whether the server certificate is pinned by fingerprint
   */
  public record Material(SSLContext context, X509TrustManager trustManager, boolean pinned) {}

  /** Builds the TLS material of an https configuration. */
  public static Material material(IncusConfig config) {
    List<X509Certificate> chain = certificates(text("clientCert", config.clientCert()), "clientCert");
    PrivateKey key = privateKey(text("clientKey", config.clientKey().reveal()), "clientKey");
    requireMatch(key, chain.get(0));
    try {
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      X509TrustManager trust = config.serverCertFingerprint() != null
          ? new PinnedTrustManager(config.serverCertFingerprint())
          : defaultTrustManager();
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), new TrustManager[] {trust}, null);
      return new Material(context, trust, config.serverCertFingerprint() != null);
    } catch (GeneralSecurityException | IOException e) {
      throw new PermanentException("incus config, field 'clientKey': the key does not fit the certificate or cannot be used: "
          + e.getClass().getSimpleName(), e);
    }
  }

  /** Signs a probe with the key and verifies it with the certificate, so a mismatch is found here, not in a handshake. */
  private static void requireMatch(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    byte[] probe = "tenantwright-incus-key-check".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new PermanentException("incus config, field 'clientKey': the key does not belong to the certificate in 'clientCert'");
    }
  }

  /** The SHA-256 fingerprint of a certificate as lowercase hex, as {@code incus info} prints it. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /** Reads PEM text, or the file it names. */
  static String text(String field, String value) {
    if (value.stripLeading().startsWith("-----BEGIN")) {
      return value;
    }
    try {
      return Files.readString(Path.of(value.strip()), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new PermanentException("incus config, field '" + field + "': neither PEM text nor a readable PEM file ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** The certificates of a PEM text, in order. */
  static List<X509Certificate> certificates(String pem, String field) {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      Matcher m = PEM.matcher(pem);
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(decode(m.group(2), field))));
        }
      }
    } catch (CertificateException e) {
      throw new PermanentException("incus config, field '" + field + "': not a valid X.509 certificate", e);
    }
    if (out.isEmpty()) {
      throw new PermanentException("incus config, field '" + field + "': holds no PEM CERTIFICATE block");
    }
    return out;
  }

  /** The private key of a PEM text (PKCS#8, SEC1 EC or PKCS#1 RSA). */
  static PrivateKey privateKey(String pem, String field) {
    Matcher m = PEM.matcher(pem);
    while (m.find()) {
      String label = m.group(1);
      byte[] der = decode(m.group(2), field);
      switch (label) {
        case "PRIVATE KEY":
          return pkcs8(der, field, "EC", "RSA", "Ed25519", "EdDSA");
        case "EC PRIVATE KEY":
          return pkcs8(sec1ToPkcs8(der, field), field, "EC");
        case "RSA PRIVATE KEY":
          return pkcs8(wrap(der, sequence(OID_RSA_ENCRYPTION, DER_NULL)), field, "RSA");
        case "ENCRYPTED PRIVATE KEY":
          throw new PermanentException("incus config, field '" + field + "': encrypted keys are not supported");
        default:
          break;
      }
    }
    throw new PermanentException("incus config, field '" + field + "': holds no PEM private key block");
  }

  private static PrivateKey pkcs8(byte[] der, String field, String... algorithms) {
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Not this algorithm; try the next.
      }
    }
    throw new PermanentException("incus config, field '" + field + "': not a usable EC, RSA or Ed25519 private key");
  }

  /** SEC1 {@code ECPrivateKey} → PKCS#8 {@code PrivateKeyInfo}, taking the curve from its parameters. */
  private static byte[] sec1ToPkcs8(byte[] sec1, String field) {
    try {
      Der seq = Der.read(sec1, 0);
      int pos = seq.contentStart();
      byte[] curve = null;
      while (pos < seq.end()) {
        Der element = Der.read(sec1, pos);
        if ((element.tag() & 0xFF) == 0xA0) {
          Der oid = Der.read(sec1, element.contentStart());
          curve = Arrays.copyOfRange(sec1, oid.start(), oid.end());
        }
        pos = element.end();
      }
      if (curve == null) {
        throw new PermanentException("incus config, field '" + field + "': the EC key does not name its curve");
      }
      return wrap(sec1, sequence(OID_EC_PUBLIC_KEY, curve));
    } catch (IndexOutOfBoundsException e) {
      throw new PermanentException("incus config, field '" + field + "': not a valid EC private key", e);
    }
  }

  private static byte[] wrap(byte[] key, byte[] algorithm) {
    return sequence(VERSION_0, algorithm, tlv(0x04, key));
  }

  private static byte[] sequence(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] content = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, content, at, p.length);
      at += p.length;
    }
    return tlv(0x30, content);
  }

  private static byte[] tlv(int tag, byte[] content) {
    int len = content.length;
    byte[] header;
    if (len < 0x80) {
      header = new byte[] {(byte) tag, (byte) len};
    } else if (len < 0x100) {
      header = new byte[] {(byte) tag, (byte) 0x81, (byte) len};
    } else if (len < 0x10000) {
      header = new byte[] {(byte) tag, (byte) 0x82, (byte) (len >> 8), (byte) len};
    } else {
      header = new byte[] {(byte) tag, (byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
    }
    byte[] out = new byte[header.length + len];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(content, 0, out, header.length, len);
    return out;
  }

  private static byte[] decode(String base64, String field) {
    try {
      return Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new PermanentException("incus config, field '" + field + "': the PEM block is not valid base64", e);
    }
  }

  private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager in the JVM");
  }

  /** One DER element: tag, where it starts, where its content starts and where it ends. */
  private record Der(int tag, int start, int contentStart, int end) {
    static Der read(byte[] b, int at) {
      int tag = b[at] & 0xFF;
      int first = b[at + 1] & 0xFF;
      int len;
      int content;
      if (first < 0x80) {
        len = first;
        content = at + 2;
      } else {
        int n = first & 0x7F;
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (b[at + 2 + i] & 0xFF);
        }
        content = at + 2 + n;
      }
      if (content + len > b.length) {
        throw new IndexOutOfBoundsException("DER element runs past the end");
      }
      return new Der(tag, at, content, content + len);
    }
  }

  /**
   * Trusts exactly one server certificate, identified by the SHA-256 fingerprint of its DER encoding; the
   * chain, issuer and validity dates are not consulted, since Incus servers present self-signed certificates.
   */
  static final class PinnedTrustManager implements X509TrustManager {
    private final byte[] pinned;

    PinnedTrustManager(String fingerprintHex) {
      this.pinned = HexFormat.of().parseHex(fingerprintHex);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("the Incus server presented no certificate");
      }
      byte[] actual;
      try {
        actual = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
      } catch (GeneralSecurityException e) {
        throw new CertificateException("cannot fingerprint the server certificate", e);
      }
      if (!MessageDigest.isEqual(actual, pinned)) {
        throw new CertificateException("the Incus server's certificate (SHA-256 " + HexFormat.of().formatHex(actual)
            + ") is not the pinned one (serverCertFingerprint)");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("this trust manager only checks servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
