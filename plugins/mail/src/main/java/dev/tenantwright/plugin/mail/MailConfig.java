package dev.tenantwright.plugin.mail;

import dev.tenantwright.plugin.mail.internal.Addresses;
import dev.tenantwright.plugin.mail.internal.Trust;
import dev.tenantwright.plugin.support.Durations;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code mail} section of the host's plugin configuration: the SMTP server that sends every message, how to reach
 * and trust it, and the default sender.
 *
 * <pre>{@code
 * Tenantwright.builder().pluginConfig("mail", Map.of(
 *     "host", "smtp.example.com",
 *     "username", "tenantwright@example.com",
 *     "password", System.getenv("SMTP_PASSWORD"),
 *     "from", "Example Onboarding <welcome@example.com>"));
 * }</pre>
 *
 * @param host the SMTP server's host name or address
 * @param port its port; default 587 for {@code starttls}, 465 for {@code smtps}, 25 for {@code none}
 * @param tls {@code starttls} (the default: upgrade a plain connection), {@code smtps} (TLS from the first byte) or
 *     {@code none}
 * @param startTlsRequired with {@code starttls}, refuse a server that does not offer it rather than send in clear;
 *     default true
 * @param username the account to authenticate as (SMTP AUTH), with {@code password}; none for a relay that needs no
 *     login
 * @param password the account's password; never logged. Refused with {@code tls: none} unless the host is a
 *     loopback address
 * @param from the default sender, one mailbox ({@code welcome@example.com} or {@code Name <welcome@example.com>});
 *     a message may name its own
 * @param connectTimeout how long connecting may take, e.g. {@code 10s} (the default)
 * @param timeout how long one read or write may take, e.g. {@code 30s} (the default); never past the step's deadline
 * @param trustedCertificates PEM certificates to trust instead of the JVM's trust store (a private CA, or the
 *     server's own certificate); the host name is still checked
 * @param trustAll trust any certificate and skip the host name check: only for a test server on a loopback address
 *     (refused for any other host)
 */
public record MailConfig(
    String host,
    @Nullable Integer port,
    @Nullable String tls,
    @Nullable Boolean startTlsRequired,
    @Nullable String username,
    @Nullable Secret password,
    @Nullable String from,
    @Nullable Duration connectTimeout,
    @Nullable Duration timeout,
    @Nullable List<String> trustedCertificates,
    @Nullable Boolean trustAll) {

  /** TLS from the first byte. */
  public static final String SMTPS = "smtps";
  /** A plain connection upgraded with STARTTLS. */
  public static final String STARTTLS = "starttls";
  /** No TLS. */
  public static final String NONE = "none";

  private static final Set<String> MODES = Set.of(SMTPS, STARTTLS, NONE);
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\[\\]-]{1,253}");

  /** Validates every field. */
  public MailConfig {
    if (host == null || !HOST.matcher(host).matches()) {
      throw new PermanentException("field 'host': the SMTP server's host name or address is required");
    }
    if (port != null && (port < 1 || port > 65535)) {
      throw new PermanentException("field 'port': " + port + " is not a port (1-65535)");
    }
    if (tls != null && !MODES.contains(tls.toLowerCase(Locale.ROOT))) {
      throw new PermanentException("field 'tls': \"" + tls + "\" is not one of starttls, smtps, none");
    }
    tls = tls == null ? null : tls.toLowerCase(Locale.ROOT);
    if (username != null && username.isBlank() || (username == null) != (password == null)) {
      throw new PermanentException("field 'username': username and password go together (or neither, for a "
          + "server that needs no login)");
    }
    if (username != null && username.chars().anyMatch(Character::isISOControl)) {
      throw new PermanentException("field 'username': must not contain control characters");
    }
    if (password != null && NONE.equals(tls) && !isLoopback(host)) {
      throw new PermanentException("field 'tls': none would send the password in clear to " + host
          + "; use starttls or smtps");
    }
    if (from != null) {
      Addresses.mailbox("from", from);
    }
    if (connectTimeout != null) {
      Durations.requirePositive("connectTimeout", connectTimeout);
    }
    if (timeout != null) {
      Durations.requirePositive("timeout", timeout);
    }
    if (Boolean.TRUE.equals(trustAll)) {
      if (!isLoopback(host)) {
        throw new PermanentException("field 'trustAll': trusting any certificate is only for a test server on a "
            + "loopback address, not " + host + "; list its certificate in trustedCertificates");
      }
      if (trustedCertificates != null) {
        throw new PermanentException("field 'trustAll': give trustAll or trustedCertificates, not both");
      }
    }
    if (trustedCertificates != null) {
      try {
        Trust.certificates(trustedCertificates);
      } catch (IllegalArgumentException e) {
        throw new PermanentException("field 'trustedCertificates': " + e.getMessage(), null);
      }
      trustedCertificates = List.copyOf(trustedCertificates);
    }
  }

  /** The TLS mode to use. */
  public String effectiveTls() {
    return tls == null ? STARTTLS : tls;
  }

  /** The port to connect to. */
  public int effectivePort() {
    if (port != null) {
      return port;
    }
    return switch (effectiveTls()) {
      case SMTPS -> 465;
      case NONE -> 25;
      default -> 587;
    };
  }

  /** Whether a server without STARTTLS is refused. */
  public boolean effectiveStartTlsRequired() {
    return startTlsRequired == null || startTlsRequired;
  }

  /** How long connecting may take. */
  public Duration effectiveConnectTimeout() {
    return connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
  }

  /** How long one read or write may take. */
  public Duration effectiveTimeout() {
    return timeout == null ? Duration.ofSeconds(30) : timeout;
  }

  /** Whether any certificate is trusted (a loopback test server). */
  public boolean effectiveTrustAll() {
    return Boolean.TRUE.equals(trustAll);
  }

  /** Whether {@code host} is a loopback name or address literal (no lookup). */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
