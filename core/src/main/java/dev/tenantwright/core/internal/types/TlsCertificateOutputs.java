package dev.tenantwright.core.internal.types;

import java.util.List;
import java.util.Objects;

/**
 * The certificate that made a {@code tls.certificate} check pass.
 *
 * @param host the name that was checked
 * @param port the port it was checked on
 * @param notAfter when the certificate expires, ISO-8601 ({@code 2031-03-01T12:00:00Z})
 * @param issuer the distinguished name of the certificate's issuer, e.g. {@code CN=R11,O=Let's Encrypt,C=US}
 * @param sha256 the SHA-256 fingerprint of the certificate (lower-case hex of its DER encoding)
 * @param subjectAltNames the DNS names the certificate covers
 */
public record TlsCertificateOutputs(
    String host, int port, String notAfter, String issuer, String sha256, List<String> subjectAltNames) {

  /** Validates presence and copies the list. */
  public TlsCertificateOutputs {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(notAfter, "notAfter");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(sha256, "sha256");
    subjectAltNames = List.copyOf(subjectAltNames);
  }
}
