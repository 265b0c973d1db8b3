package dev.tenantwright.core.internal.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Deterministic, backend-safe names: tenant slugs from company names, resource names, ownership markers and
 * run ids. Stateless and thread-safe.
 */
public final class Naming {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  /** The longest tenant slug, leaving room in 63-character DNS labels for environment and resource names. */
  public static final int MAX_SLUG = 40;

  private Naming() {}

  /**
   * A DNS-label slug from a company name: ASCII-folded, lowercase, runs of anything else turned into one
   * hyphen, trimmed, at most {@value #MAX_SLUG} characters, starting with a letter.
   *
   * @return the slug, or an empty string when the name has no letters or digits
   */
  public static String slug(String companyName) {
    String folded = Normalizer.normalize(companyName, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
    folded = folded.replace("&", " and ").toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder();
    boolean dash = false;
    for (int i = 0; i < folded.length(); i++) {
      char c = folded.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        sb.append(c);
        dash = false;
      } else if (!dash && sb.length() > 0) {
        sb.append('-');
        dash = true;
      }
    }
    String s = sb.toString();
    while (s.endsWith("-")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.isEmpty()) {
      return s;
    }
    if (!Character.isLetter(s.charAt(0))) {
      s = "t-" + s;
    }
    if (s.length() > MAX_SLUG) {
      s = s.substring(0, MAX_SLUG);
      while (s.endsWith("-")) {
        s = s.substring(0, s.length() - 1);
      }
    }
    return s;
  }

  /** Whether {@code s} is a valid tenant slug (as {@link #slug} makes them). */
  public static boolean isSlug(String s) {
    return s != null && s.length() <= MAX_SLUG && s.matches("[a-z]([a-z0-9-]*[a-z0-9])?") && !s.contains("--");
  }

  /** {@code base} with a short random suffix, for a slug that is already taken. */
  public static String withSuffix(String base) {
    String suffix = "-" + random(4);
    String head = base.length() + suffix.length() > MAX_SLUG ? base.substring(0, MAX_SLUG - suffix.length()) : base;
    while (head.endsWith("-")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + suffix;
  }

  /** A new run id: 20 random base32 characters (100 bits). */
  public static String runId() {
    return random(20);
  }

  /**
   * A backend-safe name for a resource: {@code tenant-environment-resource}, lowercase, at most 63 characters;
   * longer ones are cut and end in a short hash so they stay unique and deterministic.
   */
  public static String resourceName(String tenantId, String environment, String resource) {
    String full = (tenantId + "-" + environment + "-" + resource).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (full.length() <= 63) {
      return full;
    }
    String h = hash(full, 8);
    String head = full.substring(0, 63 - 9);
    while (head.endsWith("-")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + h;
  }

  /** The first {@code chars} hex characters of SHA-256 of {@code text}. */
  public static String hash(String text, int chars) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (byte b : d) {
        sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return sb.substring(0, chars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String random(int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = BASE32[RANDOM.nextInt(32)];
    }
    return new String(c);
  }
}
