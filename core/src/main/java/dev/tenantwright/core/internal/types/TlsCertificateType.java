package dev.tenantwright.core.internal.types;

import dev.tenantwright.core.internal.net.EgressPolicy;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Resettable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The {@code tls.certificate} type: waits until a server presents a good certificate for a host name — the step
 * after DNS records, routes and custom domains, so that a provisioning run ends only once HTTPS really works.
 *
 * <p>A certificate is good when it covers the name (a DNS subject alternative name, wildcards for one label), is
 * valid now — and for the spec's {@code minValidity} more — and is trusted: by the JVM's default trust store, or
 * by the spec's own CAs. So a proxy's default certificate (Traefik's {@code TRAEFIK DEFAULT CERT}, served until its
 * ACME client has a real one) or a self-signed one keeps the check waiting. Each try is one TLS handshake with SNI
 * (see {@link TlsHandshake}); expiry and {@code minValidity} are judged by the step's clock, the chain by the trust
 * manager.
 *
 * <p>{@code create} tries, waiting between tries through {@link StepContext#pause} with exponential backoff (the
 * spec's interval doubling up to 30 seconds) and reporting why each try failed as progress, until the certificate
 * is good or until the spec's timeout or the step's deadline — whichever comes first — when it fails with a
 * {@link PermanentException} naming host and port, the number of tries and the last reason. {@code read} is one
 * try: present if the certificate is good now. {@code delete} has nothing to remove; {@code reset} checks again.
 *
 * <p>The address connected to ({@code connectTo}, or the host) is resolved through the {@link EgressPolicy}, so a
 * tenant's parameter cannot make the engine connect to loopback, link-local or private addresses the host did not
 * allow; the addresses checked are the ones connected to. Stateless and thread-safe.
 */
public final class TlsCertificateType implements ResourceType<TlsCertificateSpec, TlsCertificateOutputs>,
    Resettable<TlsCertificateSpec, TlsCertificateOutputs> {

  /** The blueprint type name. */
  public static final String TYPE = "tls.certificate";

  /** The longest wait between tries (unless the spec's first interval is longer). */
  static final Duration MAX_INTERVAL = Duration.ofSeconds(30);

  /**
   * The shortest a try is given, even when the deadline is closer: the try made at the deadline still gets time to
   * connect to a nearby server, so that the reason a check fails with is a real one and not "no answer within 1ms".
   */
  static final Duration MIN_TRY = Duration.ofMillis(500);

  private static final int NAMES_SHOWN = 3;

  private final EgressPolicy egress;

  /** Creates the type; it connects only to addresses {@code egress} allows. */
  public TlsCertificateType(EgressPolicy egress) {
    this.egress = Objects.requireNonNull(egress, "egress");
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<TlsCertificateSpec> specType() {
    return TlsCertificateSpec.class;
  }

  @Override
  public Class<TlsCertificateOutputs> outputType() {
    return TlsCertificateOutputs.class;
  }

  @Override
  public CreateResult<TlsCertificateOutputs> create(TlsCertificateSpec spec, StepContext ctx) {
    X509TrustManager judge = trustManager(spec);
    Instant start = ctx.clock().instant();
    Duration budget = spec.timeoutDuration();
    Duration toStepDeadline = Duration.between(start, ctx.deadline());
    if (toStepDeadline.compareTo(budget) < 0) {
      budget = toStepDeadline.isNegative() ? Duration.ZERO : toStepDeadline;
    }
    Instant deadline = start.plus(budget);
    Duration wait = spec.intervalDuration();
    Duration cap = wait.compareTo(MAX_INTERVAL) > 0 ? wait : MAX_INTERVAL;
    String target = spec.describeTarget();
    for (int attempt = 1; ; attempt++) {
      ctx.checkCancelled();
      Instant now = ctx.clock().instant();
      Check check = check(spec, judge, ctx, Duration.between(now, deadline));
      if (check.good()) {
        TlsCertificateOutputs out = check.outputs();
        ctx.progress().report(100, "certificate of " + target + " is good until " + out.notAfter()
            + " (issuer " + out.issuer() + ")");
        return CreateResult.created(out);
      }
      now = ctx.clock().instant();
      Duration left = Duration.between(now, deadline);
      if (left.isNegative() || left.isZero()) {
        throw new PermanentException("certificate check of " + target + " did not pass within "
            + TlsHandshake.describe(budget) + " (" + tries(attempt) + "): last " + check.problem());
      }
      ctx.progress().report(percent(start, now, budget),
          "waiting for a good certificate at " + target + ": " + check.problem() + " (try " + attempt + ")");
      try {
        ctx.pause(wait.compareTo(left) < 0 ? wait : left);
      } catch (RetryableException e) {
        throw new PermanentException("certificate check of " + target + " did not pass before the step's deadline ("
            + tries(attempt) + "): last " + check.problem(), e);
      }
      Duration doubled = wait.multipliedBy(2);
      wait = doubled.compareTo(cap) > 0 ? cap : doubled;
    }
  }

  @Override
  public Optional<TlsCertificateOutputs> read(TlsCertificateSpec spec, TlsCertificateOutputs outputs,
      StepContext ctx) {
    Check check = check(spec, trustManager(spec), ctx, ctx.remaining());
    return check.good() ? Optional.of(check.outputs()) : Optional.empty();
  }

  @Override
  public void delete(TlsCertificateSpec spec, TlsCertificateOutputs outputs, StepContext ctx) {
    // A certificate check creates nothing.
  }

  /** After a reset the check runs again: the environment is only back when HTTPS works. */
  @Override
  public TlsCertificateOutputs reset(TlsCertificateSpec spec, TlsCertificateOutputs outputs, StepContext ctx) {
    return create(spec, ctx).outputs();
  }

  /**
   * One try; never throws for a bad certificate or an unreachable server, only when interrupted or refused by the
   * egress policy.
   */
  private Check check(TlsCertificateSpec spec, X509TrustManager judge, StepContext ctx, Duration left) {
    Duration budget = left.compareTo(MIN_TRY) < 0 ? MIN_TRY : left;
    List<InetAddress> addresses;
    try {
      addresses = egress.resolve(spec.connectTarget());
    } catch (UnknownHostException e) {
      return Check.failed("unknown host " + spec.connectTarget());
    }
    TlsHandshake.Outcome outcome =
        TlsHandshake.perform(addresses, spec.portNumber(), spec.host(), judge, budget);
    if (outcome instanceof TlsHandshake.Failed failed) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("interrupted while checking the certificate of " + spec.describeTarget());
      }
      return Check.failed(failed.problem());
    }
    return assess(spec, (TlsHandshake.Served) outcome, ctx.clock().instant());
  }

  /** Judges a served chain: names first, then dates, then trust, then how long it stays valid. */
  private static Check assess(TlsCertificateSpec spec, TlsHandshake.Served served, Instant now) {
    X509Certificate leaf = served.chain().get(0);
    List<String> names = dnsNames(leaf);
    if (!covers(names, spec.host())) {
      return Check.failed("certificate for other names (" + leaf.getSubjectX500Principal().getName()
          + describeNames(names) + ")");
    }
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (now.isAfter(notAfter)) {
      return Check.failed("certificate expired on " + notAfter);
    }
    if (now.isBefore(notBefore)) {
      return Check.failed("certificate not valid before " + notBefore);
    }
    String issuer = leaf.getIssuerX500Principal().getName();
    if (served.distrust() != null) {
      return Check.failed("certificate not trusted (issuer " + issuer + ")" + why(served.distrust()));
    }
    Optional<Duration> minValidity = spec.minValidityDuration();
    if (minValidity.isPresent() && notAfter.isBefore(now.plus(minValidity.get()))) {
      return Check.failed("certificate valid only until " + notAfter + " (less than minValidity "
          + spec.minValidity() + ")");
    }
    return Check.passed(new TlsCertificateOutputs(spec.host(), spec.portNumber(), notAfter.toString(), issuer,
        sha256(leaf), names));
  }

  /** The certificate's DNS subject alternative names, lower-case; the subject's CN does not count (RFC 6125). */
  static List<String> dnsNames(X509Certificate cert) {
    Collection<List<?>> entries;
    try {
      entries = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    if (entries != null) {
      for (List<?> entry : entries) {
        if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0)) && entry.get(1) instanceof String name) {
          names.add(name.toLowerCase(Locale.ROOT));
        }
      }
    }
    return List.copyOf(names);
  }

  /**
   * Whether one of {@code names} covers {@code host}: the same name, or a wildcard {@code *.rest} standing for
   * exactly one label in front of {@code rest} ({@code rest} itself having at least two labels), as browsers match.
   */
  static boolean covers(List<String> names, String host) {
    for (String raw : names) {
      String name = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
      if (name.equals(host)) {
        return true;
      }
      if (name.startsWith("*.")) {
        String rest = name.substring(2);
        int dot = host.indexOf('.');
        if (rest.indexOf('.') > 0 && !rest.contains("*") && dot > 0 && host.substring(dot + 1).equals(rest)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String describeNames(List<String> names) {
    if (names.isEmpty()) {
      return ", no DNS names";
    }
    String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
    return ": " + shown + (names.size() > NAMES_SHOWN ? " and " + (names.size() - NAMES_SHOWN) + " more" : "");
  }

  /**
   * What the trust manager objected to, when it is more than "no path to a trusted CA" (which the issuer already
   * says): an algorithm it refuses, a CA certificate that expired.
   */
  private static String why(Throwable distrust) {
    Throwable root = distrust;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root.getClass().getSimpleName().endsWith("CertPathBuilderException") || root.getMessage() == null) {
      return "";
    }
    return ": " + root.getMessage();
  }

  private static String sha256(X509Certificate cert) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot fingerprint a certificate the JDK has just read", e);
    }
  }

  /** The JVM's default trust manager, or one that trusts exactly the spec's CAs. */
  private static X509TrustManager trustManager(TlsCertificateSpec spec) {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      List<X509Certificate> cas = spec.trustedCertificates();
      if (cas.isEmpty()) {
        factory.init((KeyStore) null);
      } else {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
          store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        factory.init(store);
      }
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new PermanentException("this JVM has no X.509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new PermanentException("cannot set up the trust store for " + spec.describeTarget() + ": " + e, e);
    }
  }

  private static String tries(int attempts) {
    return attempts == 1 ? "1 try" : attempts + " tries";
  }

  private static int percent(Instant start, Instant now, Duration budget) {
    long total = Math.max(1, budget.toMillis());
    long spent = Duration.between(start, now).toMillis();
    return (int) Math.max(0, Math.min(99, spent * 100 / total));
  }

  /** The result of one try: the outputs when the certificate is good, otherwise why not. */
  private record Check(TlsCertificateOutputs outputs, String problem) {
    static Check passed(TlsCertificateOutputs outputs) {
      return new Check(outputs, null);
    }

    static Check failed(String problem) {
      return new Check(null, problem);
    }

    boolean good() {
      return problem == null;
    }
  }
}
