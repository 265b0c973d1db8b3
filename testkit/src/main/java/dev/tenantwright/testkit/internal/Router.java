package dev.tenantwright.testkit.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Routes a method and path to the handler registered for them.
 *
 * <p>Thread-safe: routes are added under a lock and read from an immutable snapshot. When several
 * templates match a path, the one with more literal segments wins, then the one registered first.
 *
 * @param <H> the handler type
 */
public final class Router<H> {

  private static final Pattern METHOD = Pattern.compile("[A-Z]+");

  /** One registered route. */
  public record Route<H>(String method, PathTemplate template, String key, H handler, int order) {}

  /** A route that matched, with its decoded path variables. */
  public record Match<H>(Route<H> route, Map<String, String> params) {}

  private volatile List<Route<H>> routes = List.of();

  /**
   * Registers a handler and returns its route key, {@code "METHOD /template"}.
   *
   * @throws IllegalArgumentException if the method or template is malformed or the key is taken
   */
  public synchronized String add(String method, String template, H handler) {
    String m = method == null ? "" : method.toUpperCase(Locale.ROOT);
    if (!METHOD.matcher(m).matches()) {
      throw new IllegalArgumentException("not an HTTP method: " + method);
    }
    PathTemplate parsed = PathTemplate.parse(template);
    String key = m + " " + template;
    for (Route<H> r : routes) {
      if (r.key().equals(key)) {
        throw new IllegalArgumentException("route already registered: " + key);
      }
    }
    List<Route<H>> next = new ArrayList<>(routes);
    next.add(new Route<>(m, parsed, key, handler, next.size()));
    next.sort(Comparator.<Route<H>>comparingInt(r -> -r.template().literalSegments())
        .thenComparingInt(Route::order));
    routes = List.copyOf(next);
    return key;
  }

  /** Finds the route for a method and raw path. */
  public Optional<Match<H>> find(String method, String rawPath) {
    for (Route<H> r : routes) {
      if (r.method().equalsIgnoreCase(method)) {
        Optional<Map<String, String>> params = r.template().match(rawPath);
        if (params.isPresent()) {
          return Optional.of(new Match<>(r, params.get()));
        }
      }
    }
    return Optional.empty();
  }

  /** Whether some route serves this path with another method (for a 405 answer). */
  public boolean pathKnown(String rawPath) {
    for (Route<H> r : routes) {
      if (r.template().match(rawPath).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** Every route key, in registration order. */
  public Set<String> keys() {
    List<Route<H>> snapshot = new ArrayList<>(routes);
    snapshot.sort(Comparator.comparingInt(Route::order));
    Set<String> out = new LinkedHashSet<>();
    snapshot.forEach(r -> out.add(r.key()));
    return out;
  }

  /** Whether a route with this key exists. */
  public boolean has(String key) {
    for (Route<H> r : routes) {
      if (r.key().equals(key)) {
        return true;
      }
    }
    return false;
  }
}
