package dev.tenantwright.core.internal.types;

import dev.tenantwright.core.internal.text.DurationGrammar;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a {@code tls.certificate} check waits for: a server that presents, for {@code host}, a certificate covering
 * that name, currently valid (for at least {@code minValidity} more) and issued by a trusted authority.
 *
 * <p>Validated on construction; an invalid field is refused with a {@link PermanentException} naming it. Empty text
 * in an optional field counts as not set, so that blueprints can pass a var whose default is {@code ""}. The host is
 * kept lower-case without a trailing dot.
 *
 * @param host the DNS name the certificate must cover, sent as SNI; a single name, not a wildcard or an address
 * @param port the TCP port; default 443
 * @param connectTo an address or host name to connect to instead of resolving {@code host} (a load balancer before
 *     DNS has propagated, a test server); SNI and the name check still use {@code host}. Subject to the host's
 *     egress policy like every other address
 * @param trust PEM text of the CA certificates to trust instead of the JVM's default trust store, e.g. Let's
 *     Encrypt's staging roots or a test CA; line breaks may be written as spaces
 * @param minValidity how long the certificate must stay valid from now, e.g. {@code 7d}; default: only that it has
 *     not expired
 * @param timeout how long to keep trying, e.g. {@code 10m}; default 10 minutes (issuing a certificate takes
 *     minutes), and never past the step's deadline
 * @param interval the first wait between tries, doubling up to 30 seconds; default 5 seconds
 */
public record TlsCertificateSpec(
    String host,
    @Nullable Integer port,
    @Nullable String connectTo,
    @Nullable String trust,
    @Nullable String minValidity,
    @Nullable String timeout,
    @Nullable String interval) {

  /** The port used when none is given. */
  public static final int DEFAULT_PORT = 443;

  /** The timeout used when none is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  /** The first interval used when none is given. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /** The longest {@code minValidity} accepted. */
  public static final Duration MAX_MIN_VALIDITY = Duration.ofDays(36_500);

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern WITH_PORT = Pattern.compile("[^:\\[\\]]+:[0-9]*");
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

  /** Validates every field. */
  public TlsCertificateSpec {
    host = validHost(host);
    if (port != null && (port < 1 || port > 65535)) {
      throw invalid("port", "must be between 1 and 65535");
    }
    connectTo = validConnectTo(connectTo);
    trust = trust == null || trust.isBlank() ? null : trust;
    if (trust != null) {
      try {
        PemCertificates.read(trust);
      } catch (IllegalArgumentException e) {
        throw invalid("trust", e.getMessage());
      }
    }
    minValidity = blankToNull(minValidity);
    if (minValidity != null && parse("minValidity", minValidity).compareTo(MAX_MIN_VALIDITY) > 0) {
      throw invalid("minValidity", "must be at most 36500d");
    }
    timeout = blankToNull(timeout);
    parse("timeout", timeout);
    interval = blankToNull(interval);
    parse("interval", interval);
  }

  /** A check of {@code host} on port 443 with every default. */
  public static TlsCertificateSpec of(String host) {
    return new TlsCertificateSpec(host, null, null, null, null, null, null);
  }

  /** The port to connect to. */
  public int portNumber() {
    return port == null ? DEFAULT_PORT : port;
  }

  /** What is resolved and connected to: {@code connectTo} when set, otherwise {@code host}. */
  public String connectTarget() {
    return connectTo == null ? host : connectTo;
  }

  /** The timeout as a duration. */
  public Duration timeoutDuration() {
    return timeout == null ? DEFAULT_TIMEOUT : DurationGrammar.parsePositive(timeout);
  }

  /** The first interval as a duration. */
  public Duration intervalDuration() {
    return interval == null ? DEFAULT_INTERVAL : DurationGrammar.parsePositive(interval);
  }

  /** How long the certificate must stay valid, if the spec asks for more than "not expired". */
  public Optional<Duration> minValidityDuration() {
    return minValidity == null ? Optional.empty() : Optional.of(DurationGrammar.parsePositive(minValidity));
  }

  /** The CA certificates to trust instead of the JVM's default ones; empty when the defaults are meant. */
  public List<X509Certificate> trustedCertificates() {
    return trust == null ? List.of() : PemCertificates.read(trust);
  }

  /** The target for messages: {@code host:port}, and the address connected to when that is not the host. */
  public String describeTarget() {
    return host + ":" + portNumber() + (connectTo == null ? "" : " (connecting to " + connectTo + ")");
  }

  private static String validHost(String host) {
    if (host == null || host.isBlank()) {
      throw invalid("host", "missing");
    }
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.contains("*")) {
      throw invalid("host", "must be one name, not a wildcard; check a name the wildcard certificate covers");
    }
    if (h.contains("/")) {
      throw invalid("host", "must be a bare host name such as shop.example.com, not a URL");
    }
    if (WITH_PORT.matcher(h).matches()) {
      throw invalid("host", "must not carry a port; give it in field 'port'");
    }
    if (h.contains(":") || h.startsWith("[") || IPV4.matcher(h).matches()) {
      throw invalid("host", "must be a DNS name, not an IP address; an address to connect to goes in field "
          + "'connectTo'");
    }
    h = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    if (!isHostName(h)) {
      throw invalid("host", "must be a host name such as shop.example.com (letters, digits and hyphens; an "
          + "internationalised name in its xn-- form)");
    }
    return h;
  }

  private static String validConnectTo(String connectTo) {
    if (connectTo == null || connectTo.isBlank()) {
      return null;
    }
    String c = connectTo.strip().toLowerCase(Locale.ROOT);
    if (c.startsWith("[") && c.endsWith("]")) {
      c = c.substring(1, c.length() - 1);
    }
    if (c.contains(":")) {
      if (isIpv6(c)) {
        return c;
      }
      if (WITH_PORT.matcher(c).matches()) {
        throw invalid("connectTo", "must not carry a port; give it in field 'port'");
      }
      throw invalid("connectTo", "must be an IP address or a host name");
    }
    if (c.matches("[0-9.]+")) {
      if (!IPV4.matcher(c).matches()) {
        throw invalid("connectTo", "is not a valid IPv4 address");
      }
      return c;
    }
    String name = c.endsWith(".") ? c.substring(0, c.length() - 1) : c;
    if (!isHostName(name)) {
      throw invalid("connectTo", "must be an IP address or a host name");
    }
    return name;
  }

  private static boolean isHostName(String h) {
    if (h.isEmpty() || h.length() > 253) {
      return false;
    }
    String[] labels = h.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    // a name whose last label is all digits would be read as an address by resolvers
    return !labels[labels.length - 1].matches("[0-9]+");
  }

  /** Whether {@code text} is an IPv6 literal; the brackets make the JDK parse it without asking DNS. */
  private static boolean isIpv6(String text) {
    if (!text.matches("[0-9a-f:.]+")) {
      return false;
    }
    try {
      InetAddress.getByName("[" + text + "]");
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  private static Duration parse(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return DurationGrammar.parsePositive(text);
    } catch (IllegalArgumentException e) {
      throw invalid(field, "must be a positive duration such as " + DurationGrammar.FORMS);
    }
  }

  private static PermanentException invalid(String field, String why) {
    return new PermanentException("tls.certificate spec, field '" + field + "': " + why);
  }
}
