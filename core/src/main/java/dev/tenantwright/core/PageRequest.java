package dev.tenantwright.core;

import dev.tenantwright.core.internal.text.Text;
import java.util.Objects;

/**
 * Which page of a list to read: at most {@code limit} items (1–1,000) after an opaque cursor taken from the previous
 * {@link Page}, or from the start. Cursors are stable while items are added: a page never repeats or skips an item
 * that was already in the list when the first page was read.
 *
 * @param limit how many items at most
 * @param cursor where the previous page ended, or null for the first page
 */
public record PageRequest(int limit, String cursor) {

  /** The limit {@link #first()} uses. */
  public static final int DEFAULT_LIMIT = 100;

  /** The largest limit a page may ask for. */
  public static final int MAX_LIMIT = 1000;

  /**
   * Checks the values.
   *
   * @throws ValidationException naming {@code limit} or {@code cursor}
   */
  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationException("limit", "must be 1 to " + MAX_LIMIT);
    }
    if (cursor != null && (cursor.isEmpty() || cursor.length() > 200 || !Text.printable(cursor))) {
      throw new ValidationException("cursor", "must be a cursor taken from a previous page");
    }
  }

  /** The first {@value #DEFAULT_LIMIT} items. */
  public static PageRequest first() {
    return new PageRequest(DEFAULT_LIMIT, null);
  }

  /** The first {@code limit} items. */
  public static PageRequest first(int limit) {
    return new PageRequest(limit, null);
  }

  /** The {@code limit} items after {@code cursor}. */
  public static PageRequest after(String cursor, int limit) {
    return new PageRequest(limit, Objects.requireNonNull(cursor, "cursor"));
  }
}
