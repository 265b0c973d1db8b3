package dev.tenantwright.plugin.mail.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which server certificates the plugin trusts: the JVM's default trust store, only the PEM certificates the
 * configuration lists, or — for a loopback test server only — any. Stateless.
 */
public final class Trust {

  private Trust() {}

  /**
   * The certificates in PEM texts (each text may hold several).
   *
   * @throws IllegalArgumentException naming the entry that does not parse
   */
  public static List<X509Certificate> certificates(List<String> pems) {
    List<X509Certificate> all = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (int i = 0; i < pems.size(); i++) {
        String pem = pems.get(i);
        Collection<? extends Certificate> certs;
        try {
          certs = pem == null ? List.of()
              : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
          certs = List.of();
        }
        if (certs.isEmpty()) {
          throw new IllegalArgumentException("entry " + i + " is not a PEM certificate "
              + "(-----BEGIN CERTIFICATE----- …)");
        }
        certs.forEach(c -> all.add((X509Certificate) c));
      }
    } catch (CertificateException e) {
      throw new IllegalStateException("no X.509 support in this JVM", e);
    }
    return all;
  }

  /** A socket factory that trusts exactly {@code certificates} (as anchors: a CA or the server's own). */
  public static SSLSocketFactory only(List<X509Certificate> certificates) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("trusted-" + i, certificates.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return context(tmf.getTrustManagers()).getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store from trustedCertificates", e);
    }
  }

  /** A socket factory that trusts any certificate: for a test server on a loopback address, never otherwise. */
  public static SSLSocketFactory any() {
    X509TrustManager all = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      return context(new TrustManager[] {all}).getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context", e);
    }
  }

  private static SSLContext context(TrustManager[] managers) throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, managers, null);
    return ctx;
  }
}
