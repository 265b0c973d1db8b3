package dev.tenantwright.server;

import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * API tokens: {@code tw_<id>_<secret>}, the id to find the row, the secret 256 bits from {@link SecureRandom}. Only
 * the secret's SHA-256 is stored; a presented secret is hashed and compared with {@link MessageDigest#isEqual}, in
 * time that does not depend on where the two differ. An unknown id costs the same hash, so the answer's timing
 * does not tell ids that exist.
 *
 * <p>A verified token is remembered for {@link #CACHE_MILLIS} so that a request does not cost a query; a token
 * revoked on another node therefore stops working within that time (at once on the node that revoked it).
 */
final class ApiTokens {

  static final long CACHE_MILLIS = 5_000;
  private static final Pattern FORM = Pattern.compile("tw_([a-z0-9]{16})_([A-Za-z0-9_-]{43})");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  private static final byte[] NO_SUCH_HASH = new byte[32];

  /** A token as listed: never its secret. */
  record Token(String id, String name, String scope, String tenantId, Integer ratePerMinute, Instant createdAt,
      Instant lastUsedAt) {}

  /** A token just issued: the only time its secret is seen. */
  record Issued(Token token, String secret) {}

  private record Cached(Principal principal, byte[] hash, long until) {}

  private final ServerStore store;
  private final Clock clock;
  private final int defaultRate;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  ApiTokens(ServerStore store, Clock clock, int defaultRate) {
    this.store = store;
    this.clock = clock;
    this.defaultRate = defaultRate;
  }

  /**
   * Issues a token.
   *
   * @param scope {@code admin} or {@code tenant}
   * @param tenantId the tenant a {@code tenant} token reads; must be null for admin
   * @param ratePerMinute its own budget, or null for the server's default
   */
  Issued issue(String name, String scope, String tenantId, Integer ratePerMinute) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ValidationException("name", "must be 1 to 64 letters, digits or '.', '_', '@', '-', starting with a"
          + " letter or digit");
    }
    if (!"admin".equals(scope) && !"tenant".equals(scope)) {
      throw new ValidationException("scope", "must be 'admin' or 'tenant'");
    }
    if ("tenant".equals(scope) && (tenantId == null || tenantId.isBlank())) {
      throw new ValidationException("tenant", "a tenant token names the tenant it may read");
    }
    if ("admin".equals(scope) && tenantId != null) {
      throw new ValidationException("tenant", "an admin token is not limited to a tenant");
    }
    if (ratePerMinute != null && ratePerMinute < 1) {
      throw new ValidationException("ratePerMinute", "must be at least 1");
    }
    byte[] idBytes = new byte[10];
    random.nextBytes(idBytes);
    String id = base32(idBytes);
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    long now = clock.millis();
    store.update("INSERT INTO tws_token (id, name, scope, tenant_id, secret_hash, rate_per_minute, created_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?)", id, name, scope, tenantId, HexFormat.of().formatHex(sha256(secret)),
        ratePerMinute, now);
    Token t = new Token(id, name, scope, tenantId, ratePerMinute, Instant.ofEpochMilli(now), null);
    return new Issued(t, "tw_" + id + "_" + secret);
  }

  /** The principal a presented token stands for, or empty when it is malformed, unknown or revoked. */
  Optional<Principal> authenticate(String presented) {
    var m = presented == null ? null : FORM.matcher(presented);
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    String id = m.group(1);
    byte[] hash = sha256(m.group(2));
    long now = clock.millis();
    Cached c = cache.get(id);
    if (c == null || c.until() < now) {
      c = load(id, now);
      if (c == null) {
        MessageDigest.isEqual(hash, NO_SUCH_HASH);
        return Optional.empty();
      }
      if (MessageDigest.isEqual(hash, c.hash())) {
        cache.put(id, c);
        // recorded when a verified token is (re)loaded: at most once per cache period and node
        store.update("UPDATE tws_token SET last_used_at = ? WHERE id = ?", now, id);
        return Optional.of(c.principal());
      }
      return Optional.empty();
    }
    return MessageDigest.isEqual(hash, c.hash()) ? Optional.of(c.principal()) : Optional.empty();
  }

  private Cached load(String id, long now) {
    return store.one("SELECT * FROM tws_token WHERE id = ? AND revoked_at IS NULL", rs -> {
      Integer rate = (Integer) rs.getObject("rate_per_minute");
      Principal p = new Principal(id, rs.getString("name"), "admin".equals(rs.getString("scope")),
          rs.getString("tenant_id"), rate == null ? defaultRate : rate);
      return new Cached(p, HexFormat.of().parseHex(rs.getString("secret_hash")), now + CACHE_MILLIS);
    }, id).orElse(null);
  }

  List<Token> list() {
    return store.list("SELECT * FROM tws_token WHERE revoked_at IS NULL ORDER BY created_at", rs -> new Token(
        rs.getString("id"), rs.getString("name"), rs.getString("scope"), rs.getString("tenant_id"),
        (Integer) rs.getObject("rate_per_minute"), Instant.ofEpochMilli(rs.getLong("created_at")),
        Optional.ofNullable(ServerStore.nullableLong(rs, "last_used_at")).map(Instant::ofEpochMilli).orElse(null)));
  }

  /** Whether any admin token exists (the first start writes one). */
  boolean anyAdmin() {
    return store.one("SELECT id FROM tws_token WHERE scope = 'admin' AND revoked_at IS NULL FETCH FIRST 1 ROWS ONLY",
        rs -> rs.getString(1)).isPresent();
  }

  void revoke(String id) {
    int n = store.update("UPDATE tws_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", clock.millis(),
        id);
    cache.remove(id);
    if (n == 0) {
      throw new NotFoundException("token '" + id + "' does not exist");
    }
  }

  private static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String base32(byte[] bytes) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder sb = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    return sb.toString();
  }
}
