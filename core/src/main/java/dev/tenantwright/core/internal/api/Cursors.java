package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.Page;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * The opaque cursors of {@link Page}s: the keyset position of a page's last item (a run's creation time and id, an
 * event's id, a tenant's id, an environment's name), tagged with the list it belongs to and base64url-encoded.
 *
 * <p>Opaque so that hosts pass them back unchanged and the position's shape may change; tagged so that a cursor of one
 * list given to another is refused rather than silently misread. A cursor that does not decode is a
 * {@link ValidationException} naming {@code cursor}.
 */
final class Cursors {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final char SEPARATOR = '\n';

  private Cursors() {}

  /** The cursor of a position in the list tagged {@code list}. */
  static String encode(String list, String... parts) {
    return ENCODER.encodeToString((list + SEPARATOR + String.join(String.valueOf(SEPARATOR), parts))
        .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The {@code count} parts of {@code cursor}, a cursor of the list tagged {@code list}; null for a first page (no
   * cursor).
   *
   * @throws ValidationException naming {@code cursor} when it is not such a cursor
   */
  static String[] decode(String list, String cursor, int count) {
    if (cursor == null) {
      return null;
    }
    String text;
    try {
      text = new String(DECODER.decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw malformed();
    }
    String[] parts = text.split(String.valueOf(SEPARATOR), -1);
    if (parts.length != count + 1 || !parts[0].equals(list)) {
      throw malformed();
    }
    String[] out = new String[count];
    System.arraycopy(parts, 1, out, 0, count);
    return out;
  }

  /** A number part of a decoded cursor. */
  static long number(String part) {
    try {
      return Long.parseLong(part);
    } catch (NumberFormatException e) {
      throw malformed();
    }
  }

  /**
   * A page of {@code request.limit()} items from {@code rows}, read with one row more than the limit: when that extra
   * row is there, a next page exists and its cursor is {@code cursorOf} the page's last row.
   */
  static <R, T> Page<T> page(List<R> rows, PageRequest request, Function<R, T> item, Function<R, String> cursorOf) {
    boolean more = rows.size() > request.limit();
    List<R> shown = more ? rows.subList(0, request.limit()) : rows;
    return new Page<>(shown.stream().map(item).toList(), more ? cursorOf.apply(shown.get(shown.size() - 1)) : null);
  }

  private static ValidationException malformed() {
    return new ValidationException("cursor", "is not a cursor of this list: pass the nextCursor of its previous page"
        + " unchanged");
  }
}
