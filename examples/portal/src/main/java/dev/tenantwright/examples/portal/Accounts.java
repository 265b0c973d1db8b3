package dev.tenantwright.examples.portal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The portal's own sign-in records, in a small embedded H2 database ({@code portal.mv.db}, mode 0600) beside
 * the journal: each tenant's random page id, the sign-in links that were mailed, and the open sessions.
 *
 * <p>Links and sessions are bearer tokens: 256 random bits from {@link SecureRandom}, given to the person
 * once (in the mail, in the cookie) and stored only as their SHA-256, so a copy of the database opens no
 * account. A link works once and until its lifetime ends; a session until its lifetime ends or sign-out. The
 * CSRF token of a session is an HMAC of the session token, so it needs no storage and dies with the session.
 *
 * <p>Thread-safe: one connection, every method synchronized (the traffic is a few statements per page).
 */
final class Accounts implements AutoCloseable {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder TOKEN = Base64.getUrlEncoder().withoutPadding();

  /** A signed-in person: the tenant, and the session's CSRF token for the forms of its pages. */
  record Session(String tenantId, String csrfToken) {}

  private final Connection db;
  private final Clock clock;
  private final Duration linkLifetime;
  private final Duration sessionLifetime;

  private Accounts(Connection db, Clock clock, Duration linkLifetime, Duration sessionLifetime) {
    this.db = db;
    this.clock = clock;
    this.linkLifetime = linkLifetime;
    this.sessionLifetime = sessionLifetime;
  }

  /** Opens (creating as needed) the records in {@code dataDir}, which the journal has already made private. */
  static Accounts open(Path dataDir, Clock clock, Duration linkLifetime, Duration sessionLifetime) {
    try {
      Connection db = DriverManager.getConnection("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("portal")
          + ";WRITE_DELAY=0", "portal", "");
      try (Statement s = db.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS portal_page (tenant_id VARCHAR(64) PRIMARY KEY, "
            + "page_id VARCHAR(64) NOT NULL UNIQUE)");
        s.execute("CREATE TABLE IF NOT EXISTS portal_link (token_hash CHAR(64) PRIMARY KEY, "
            + "tenant_id VARCHAR(64) NOT NULL, expires_at BIGINT NOT NULL, used BOOLEAN DEFAULT FALSE NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS portal_session (token_hash CHAR(64) PRIMARY KEY, "
            + "tenant_id VARCHAR(64) NOT NULL, expires_at BIGINT NOT NULL)");
      }
      restrict(dataDir);
      return new Accounts(db, clock, linkLifetime, sessionLifetime);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the portal's sign-in records in " + dataDir + ": "
          + e.getMessage(), e);
    }
  }

  /** The tenant's page id, made (128 random bits) the first time it is asked for. */
  synchronized String pageId(String tenantId) {
    try {
      Optional<String> known = pageOf(tenantId);
      if (known.isPresent()) {
        return known.get();
      }
      String page = random(16);
      try (PreparedStatement p = db.prepareStatement("INSERT INTO portal_page (tenant_id, page_id) VALUES (?, ?)")) {
        p.setString(1, tenantId);
        p.setString(2, page);
        p.executeUpdate();
      }
      return page;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Whether the tenant has a page yet (it gets one when its first sign-in link is mailed). */
  synchronized boolean hasPage(String tenantId) {
    try {
      return pageOf(tenantId).isPresent();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private Optional<String> pageOf(String tenantId) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("SELECT page_id FROM portal_page WHERE tenant_id = ?")) {
      p.setString(1, tenantId);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    }
  }

  /** A new sign-in link token for the tenant: returned once, stored hashed, valid once within the link lifetime. */
  synchronized String issueLink(String tenantId) {
    String token = random(32);
    long now = clock.millis();
    try {
      try (PreparedStatement purge = db.prepareStatement("DELETE FROM portal_link WHERE expires_at <= ?")) {
        purge.setLong(1, now);
        purge.executeUpdate();
      }
      try (PreparedStatement p = db.prepareStatement(
          "INSERT INTO portal_link (token_hash, tenant_id, expires_at) VALUES (?, ?, ?)")) {
        p.setString(1, hash(token));
        p.setString(2, tenantId);
        p.setLong(3, now + linkLifetime.toMillis());
        p.executeUpdate();
      }
      return token;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** The tenant a link token signs in, if it is unused and unexpired; does not use it up. */
  synchronized Optional<String> checkLink(String token) {
    if (!wellFormed(token)) {
      return Optional.empty();
    }
    try (PreparedStatement p = db.prepareStatement(
        "SELECT tenant_id FROM portal_link WHERE token_hash = ? AND NOT used AND expires_at > ?")) {
      p.setString(1, hash(token));
      p.setLong(2, clock.millis());
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Uses a link token up: the tenant it signs in, once; empty for an unknown, used or expired token. */
  synchronized Optional<String> redeemLink(String token) {
    Optional<String> tenant = checkLink(token);
    if (tenant.isEmpty()) {
      return tenant;
    }
    try (PreparedStatement p = db.prepareStatement(
        "UPDATE portal_link SET used = TRUE WHERE token_hash = ? AND NOT used")) {
      p.setString(1, hash(token));
      return p.executeUpdate() == 1 ? tenant : Optional.empty();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Opens a session for the tenant: the cookie's value, returned once and stored hashed. */
  synchronized String openSession(String tenantId) {
    String token = random(32);
    long now = clock.millis();
    try {
      try (PreparedStatement purge = db.prepareStatement("DELETE FROM portal_session WHERE expires_at <= ?")) {
        purge.setLong(1, now);
        purge.executeUpdate();
      }
      try (PreparedStatement p = db.prepareStatement(
          "INSERT INTO portal_session (token_hash, tenant_id, expires_at) VALUES (?, ?, ?)")) {
        p.setString(1, hash(token));
        p.setString(2, tenantId);
        p.setLong(3, now + sessionLifetime.toMillis());
        p.executeUpdate();
      }
      return token;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** The session a cookie value stands for, while it lasts. */
  synchronized Optional<Session> session(String token) {
    if (!wellFormed(token)) {
      return Optional.empty();
    }
    try (PreparedStatement p = db.prepareStatement(
        "SELECT tenant_id FROM portal_session WHERE token_hash = ? AND expires_at > ?")) {
      p.setString(1, hash(token));
      p.setLong(2, clock.millis());
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(new Session(r.getString(1), csrf(token))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Ends a session (sign-out). */
  synchronized void closeSession(String token) {
    if (!wellFormed(token)) {
      return;
    }
    try (PreparedStatement p = db.prepareStatement("DELETE FROM portal_session WHERE token_hash = ?")) {
      p.setString(1, hash(token));
      p.executeUpdate();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Compares two tokens in constant time (for the CSRF token of a form and the page id of an address). */
  static boolean same(String expected, String given) {
    return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** The session's CSRF token: HMAC-SHA256 of a fixed label under the session token. */
  private static String csrf(String sessionToken) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(sessionToken.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
      return TOKEN.encodeToString(mac.doFinal("portal-csrf".getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static boolean wellFormed(String token) {
    return token != null && token.length() == 43 && token.chars().allMatch(c ->
        c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_');
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return TOKEN.encodeToString(b);
  }

  private static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  private static void restrict(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("portal.")).toList()) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
      }
    } catch (UnsupportedOperationException noPosix) {
      // Not a POSIX file system: the directory's own access rules apply.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restrict the permissions of the portal's records in " + dir, e);
    }
  }

  private static IllegalStateException failed(SQLException e) {
    return new IllegalStateException("the portal's sign-in records: " + e.getMessage(), e);
  }
}
