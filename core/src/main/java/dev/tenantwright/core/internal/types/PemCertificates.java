package dev.tenantwright.core.internal.types;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the X.509 certificates in PEM text: every {@code -----BEGIN CERTIFICATE-----} block, in order, ignoring
 * text between blocks (bundle comments such as {@code # ISRG Root X1}).
 *
 * <p>Whitespace inside a block may be line breaks or spaces: run parameters must be one line, so a CA certificate
 * given as a parameter arrives with its line breaks written as spaces. Stateless.
 */
final class PemCertificates {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", Pattern.DOTALL);
  private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");

  private PemCertificates() {}

  /**
   * The certificates in {@code pem}.
   *
   * @throws IllegalArgumentException saying why when there is none, when a block cannot be read, or when the text
   *     holds a private key (which must never travel in a spec: specs are journalled in the clear)
   */
  static List<X509Certificate> read(String pem) {
    if (PRIVATE_KEY.matcher(pem).find()) {
      throw new IllegalArgumentException("holds a private key; give only certificates");
    }
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("this JVM cannot read X.509 certificates", e);
    }
    List<X509Certificate> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      byte[] der;
      try {
        der = Base64.getDecoder().decode(m.group(1).replaceAll("\\s+", ""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("certificate " + (out.size() + 1) + " is not valid base64", e);
      }
      try {
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      } catch (CertificateException | ClassCastException e) {
        throw new IllegalArgumentException("certificate " + (out.size() + 1) + " is not an X.509 certificate", e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("holds no PEM certificate (-----BEGIN CERTIFICATE----- ... "
          + "-----END CERTIFICATE-----)");
    }
    return List.copyOf(out);
  }
}
