package dev.tenantwright.plugin.cloudflare.internal;

import dev.tenantwright.spi.StepContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Fits ownership markers into Cloudflare record comments, which the Free plan limits to 100 characters
 * while a marker may have up to 140.
 *
 * <p>A marker that fits is stored as it is. A longer one, {@code tw:<tenant>/<environment>/<resource>@<hash>},
 * is stored as {@code tw:~<24 hex of SHA-256 of the part before '@'>@<hash>}: the same resource always
 * shortens to the same text before the {@code '@'}, so "belongs here" and "is ours" are decided by comparing
 * with our own marker shortened the same way. Stateless.
 */
public final class CommentMarkers {

  private static final String SHORT_PREFIX = "tw:~";

  private CommentMarkers() {}

  /** What to store as the comment of a record this step creates. */
  public static String comment(String marker, int limit) {
    if (marker.length() <= limit) {
      return marker;
    }
    int at = marker.lastIndexOf('@');
    String prefix = at < 0 ? marker : marker.substring(0, at);
    String suffix = at < 0 ? "" : marker.substring(at);
    return SHORT_PREFIX + sha256(prefix).substring(0, 24) + suffix;
  }

  /** Whether a record's comment shows that this very step made it. */
  public static boolean isOurs(StepContext ctx, String comment, int limit) {
    return comment != null && (ctx.isOurs(comment) || comment.equals(comment(ctx.ownershipMarker(), limit)));
  }

  /** Whether a record's comment names this tenant, environment and resource (made by any run). */
  public static boolean belongsHere(StepContext ctx, String comment, int limit) {
    if (comment == null) {
      return false;
    }
    if (ctx.belongsHere(comment)) {
      return true;
    }
    String mine = comment(ctx.ownershipMarker(), limit);
    return mine.startsWith(SHORT_PREFIX) && comment.startsWith(SHORT_PREFIX) && prefix(comment).equals(prefix(mine));
  }

  private static String prefix(String marker) {
    int at = marker.lastIndexOf('@');
    return at < 0 ? marker : marker.substring(0, at);
  }

  private static String sha256(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (byte b : d) {
        sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
