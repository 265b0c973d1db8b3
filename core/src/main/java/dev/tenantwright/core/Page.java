package dev.tenantwright.core;

import java.util.List;
import java.util.Optional;

/**
 * One page of a list the journal may hold without bound (runs, events, tenants, a roll-out's environments): at most
 * the {@linkplain PageRequest#limit() asked number} of items, and a cursor to the next page when there may be more.
 *
 * <pre>{@code
 * PageRequest page = PageRequest.first(100);
 * do {
 *   Page<Run> runs = tw.runs().list(tenantId, "live", page);
 *   runs.items().forEach(this::show);
 *   page = runs.next().orElse(null);
 * } while (page != null);
 * }</pre>
 *
 * @param items the items of this page, in the list's order
 * @param nextCursor the cursor of the next page, or null when this page is the last
 * @param <T> the item type
 */
public record Page<T>(List<T> items, String nextCursor) {

  /** Copies the items. */
  public Page {
    items = List.copyOf(items);
  }

  /** The request for the next page with the same limit, or empty when this page is the last. */
  public Optional<PageRequest> next(int limit) {
    return nextCursor == null ? Optional.empty() : Optional.of(PageRequest.after(nextCursor, limit));
  }

  /** The request for the next page of {@link PageRequest#DEFAULT_LIMIT} items, or empty when this page is the last. */
  public Optional<PageRequest> next() {
    return next(PageRequest.DEFAULT_LIMIT);
  }
}
