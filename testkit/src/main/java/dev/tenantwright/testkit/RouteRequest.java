package dev.tenantwright.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as a {@link BackendFake}'s handler sees it: method, path and its variables, query,
 * headers and body.
 *
 * <p>Immutable; valid for the duration of the handler call and safe to keep afterwards.
 */
public interface RouteRequest {

  /** The method in upper case, e.g. {@code POST}. */
  String method();

  /** The raw (percent-encoded) path below the fake's base path, without the query. */
  String path();

  /**
   * The decoded value of a path variable of the route's template, e.g. {@code idOrName} in
   * {@code /v9/projects/{idOrName}}.
   *
   * @throws IllegalStateException if the template has no such variable (a bug in the fake: answered 500)
   */
  String pathParam(String name);

  /** All decoded path variables, in template order. */
  Map<String, String> pathParams();

  /** The first decoded value of a query parameter. */
  Optional<String> query(String name);

  /** Every decoded value of a query parameter, in order; empty when absent. */
  List<String> queryAll(String name);

  /** All decoded query parameters, in order. */
  Map<String, List<String>> queryParams();

  /** The first value of a header, matched case-insensitively. */
  Optional<String> header(String name);

  /** All headers; lookups on the map ignore case. */
  Map<String, List<String>> headers();

  /** The body as UTF-8 text; empty when there is none. */
  String body();

  /**
   * The body as a JSON tree; a missing node when the body is empty.
   *
   * @throws IllegalArgumentException if the body is not JSON (the fake then answers 400)
   */
  JsonNode json();

  /**
   * The body bound to a type with the test kit's Jackson mapper (unknown properties ignored).
   *
   * @throws IllegalArgumentException if the body does not bind (the fake then answers 400)
   */
  <T> T bodyAs(Class<T> type);
}
