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

  /**
   * The shortest slug. A two-letter id would put {@code --} at the third and fourth place of its backend names
   * ({@code hp--demo--site}), which DNS reserves for encoded labels ({@code xn--}, RFC 5891 §4.2.3.1) and which
   * certificate authorities refuse.
   */
  public static final int MIN_SLUG = 3;

  private Naming() {}

  /**
   * A DNS-label slug from a company name: ASCII-folded, lowercase, runs of anything else turned into one
   * hyphen, trimmed, at most {@value #MAX_SLUG} characters, starting with a letter.
   *
   * @return the slug, or an empty string when the name has no letters or digits
   */
  public static String slug(String companyName) {
    String folded = MARKS.matcher(Normalizer.normalize(companyName, Normalizer.Form.NFKD)).replaceAll("");
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
    if (s.length() < MIN_SLUG) {
      s = s + "-t";
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
    return s != null && s.length() >= MIN_SLUG && s.length() <= MAX_SLUG && SLUG.matcher(s).matches() && !s.contains("--");
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

  /** The naming scheme of environments created before names became unambiguous. */
  public static final int LEGACY = 1;

  /** The naming scheme of new environments: {@code tenant--environment--resource}. */
  public static final int CURRENT = 2;

  private static final java.util.regex.Pattern MARKS = java.util.regex.Pattern.compile("\\p{M}+");
  private static final java.util.regex.Pattern SLUG = java.util.regex.Pattern.compile("[a-z]([a-z0-9-]*[a-z0-9])?");
  private static final java.util.regex.Pattern NOT_NAME = java.util.regex.Pattern.compile("[^a-z0-9-]");

  /**
   * A backend-safe name for a resource under the current scheme: {@code tenant--environment--resource}, lowercase,
   * at most 63 characters; longer ones are cut and end in a short hash so they stay unique and deterministic.
   * Tenant ids, environment names and resource names never contain {@code --}, so the separator makes the name
   * unambiguous: no two tenants can ever get the same name (tenant {@code acme} with test instance {@code demo} and
   * tenant {@code acme-test} with its demo no longer meet in {@code acme-test-demo-site}).
   */
  public static String resourceName(String tenantId, String environment, String resource) {
    return resourceName(tenantId, environment, resource, CURRENT);
  }

  /**
   * A backend-safe name under {@code scheme}: {@link #CURRENT}, or {@link #LEGACY}
   * ({@code tenant-environment-resource}) for environments made before names became unambiguous, so that their
   * objects are found again.
   */
  public static String resourceName(String tenantId, String environment, String resource, int scheme) {
    String sep = scheme == LEGACY ? "-" : "--";
    String full = NOT_NAME.matcher((tenantId + sep + environment + sep + resource).toLowerCase(Locale.ROOT))
        .replaceAll("-");
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

  /**
   * The start every name {@link #resourceName(String, String, String, int)} gives the environment's resources
   * shares: {@code tenant--environment--} (or {@code tenant-environment-} for {@link #LEGACY}), cut like long names
   * are cut so that it is still a prefix of a shortened name.
   */
  public static String prefix(String tenantId, String environment, int scheme) {
    String sep = scheme == LEGACY ? "-" : "--";
    String full = NOT_NAME.matcher((tenantId + sep + environment + sep).toLowerCase(Locale.ROOT)).replaceAll("-");
    if (full.length() <= 63 - 9) {
      return full;
    }
    String head = full.substring(0, 63 - 9);
    while (head.endsWith("-")) {
      head = head.substring(0, head.length() - 1);
    }
    return head;
  }

  /** Whether {@code part} can be part of an unambiguous name: no {@code --}, no leading or trailing hyphen. */
  public static boolean isNamePart(String part) {
    return part != null && !part.isEmpty() && !part.contains("--") && !part.startsWith("-") && !part.endsWith("-");
  }

  /** The first {@code chars} hex characters of SHA-256 of {@code text}. */
  public static String hash(String text, int chars) {
    {
      MessageDigest sha = SHA256.get();
      sha.reset();
      byte[] d = sha.digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (byte b : d) {
        sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return sb.substring(0, chars);
    }
  }

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private static String random(int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = BASE32[RANDOM.nextInt(32)];
    }
    return new String(c);
  }
}
