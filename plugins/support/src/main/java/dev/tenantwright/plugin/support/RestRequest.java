package dev.tenantwright.plugin.support;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One call to make with a {@link RestClient}: method, path relative to the client's base URL, query
 * parameters, extra headers, an optional body, and the non-2xx statuses the caller wants returned rather
 * than turned into exceptions.
 *
 * <p>Immutable and thread-safe: every {@code with}-style method returns a copy, so a request can be kept
 * in a constant and refined per call. The path is given unencoded ({@code /v9/projects/my app} is sent as
 * {@code /v9/projects/my%20app}); keep query values out of it, so they can be redacted from logs.
 *
 * <pre>{@code
 * RestResponse r = client.call(RestRequest.get("/v9/projects/" + name).expect(404));
 * Optional<Project> project = r.status() == 404 ? Optional.empty() : Optional.of(r.as(Project.class));
 * }</pre>
 */
public final class RestRequest {

  private final String method;
  private final String path;
  private final List<Map.Entry<String, String>> query;
  private final Map<String, String> headers;
  private final Object jsonBody;
  private final byte[] rawBody;
  private final String rawMediaType;
  private final Set<Integer> expected;
  private final Duration timeout;

  private RestRequest(
      String method,
      String path,
      List<Map.Entry<String, String>> query,
      Map<String, String> headers,
      Object jsonBody,
      byte[] rawBody,
      String rawMediaType,
      Set<Integer> expected,
      Duration timeout) {
    this.method = method;
    this.path = path;
    this.query = query;
    this.headers = headers;
    this.jsonBody = jsonBody;
    this.rawBody = rawBody;
    this.rawMediaType = rawMediaType;
    this.expected = expected;
    this.timeout = timeout;
  }

  /**
   * A request with any HTTP method, for the rare verb the shortcuts below do not cover.
   *
   * @param method the HTTP method, e.g. {@code GET}; upper-cased
   * @param path the path below the client's base URL, unencoded, without query string
   */
  public static RestRequest of(String method, String path) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    if (method.isBlank()) {
      throw new IllegalArgumentException("method must not be blank");
    }
    if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
      throw new IllegalArgumentException("pass query parameters with query(name, value), not in the path: " + path);
    }
    return new RestRequest(method.toUpperCase(Locale.ROOT), path, List.of(), Map.of(), null, null, null, Set.of(), null);
  }

  /**
   * A path from a template whose {@code {placeholders}} are replaced, in order, by {@code values}, each of
   * which must be exactly one path segment: not empty, not {@code .} or {@code ..}, without {@code /},
   * {@code \\}, {@code ?} or {@code #}. Every other character is sent percent-encoded. Use it for ids and names that come from
   * specs, outputs or backend answers, so none can reach another endpoint.
   *
   * <pre>{@code
   * RestRequest.get(RestRequest.pathOf("/v9/projects/{idOrName}/env/{id}", project, envId))
   * }</pre>
   *
   * @throws PermanentException naming the value when one is not a single path segment
   * @throws IllegalArgumentException when the number of values differs from the number of placeholders
   */
  public static String pathOf(String template, Object... values) {
    Objects.requireNonNull(template, "template");
    StringBuilder out = new StringBuilder(template.length() + 32);
    int used = 0;
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        out.append(template, i, template.length());
        break;
      }
      int close = template.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed placeholder in " + template);
      }
      if (used == values.length) {
        throw new IllegalArgumentException(template + " has more placeholders than the " + values.length + " value(s) given");
      }
      out.append(template, i, open).append(segment(template, values[used++]));
      i = close + 1;
    }
    if (used != values.length) {
      throw new IllegalArgumentException(template + " has " + used + " placeholder(s) but " + values.length
          + " value(s) were given");
    }
    return out.toString();
  }

  private static String segment(String template, Object value) {
    String v = value == null ? "" : value.toString();
    if (v.isEmpty() || v.equals(".") || v.equals("..") || v.chars().anyMatch(c -> c == '/' || c == '\\' || c == '?' || c == '#')) {
      throw new PermanentException("\"" + v + "\" cannot be used as a path segment of " + template
          + ": it must be a non-empty id or name without '/', '\\', '?' or '#' and not '.' or '..'");
    }
    return v;
  }

  /** A GET request. */
  public static RestRequest get(String path) {
    return of("GET", path);
  }

  /** A HEAD request. */
  public static RestRequest head(String path) {
    return of("HEAD", path);
  }

  /** A DELETE request without body. */
  public static RestRequest delete(String path) {
    return of("DELETE", path);
  }

  /** A POST request whose body is {@code body} written as JSON (an empty body when null). */
  public static RestRequest post(String path, @Nullable Object body) {
    return of("POST", path).body(body);
  }

  /** A PUT request whose body is {@code body} written as JSON (an empty body when null). */
  public static RestRequest put(String path, @Nullable Object body) {
    return of("PUT", path).body(body);
  }

  /** A PATCH request whose body is {@code body} written as JSON (an empty body when null). */
  public static RestRequest patch(String path, @Nullable Object body) {
    return of("PATCH", path).body(body);
  }

  /**
   * Adds a query parameter; a null value adds nothing, so optional parameters need no {@code if}. A name may
   * be repeated. Values are converted with {@code toString()}.
   */
  public RestRequest query(String name, @Nullable Object value) {
    Objects.requireNonNull(name, "name");
    if (value == null) {
      return this;
    }
    List<Map.Entry<String, String>> q = new ArrayList<>(query);
    q.add(Map.entry(name, value.toString()));
    return new RestRequest(method, path, List.copyOf(q), headers, jsonBody, rawBody, rawMediaType, expected, timeout);
  }

  /** Adds every entry of {@code params} as a query parameter, in iteration order, skipping null values. */
  public RestRequest query(Map<String, ?> params) {
    RestRequest r = this;
    for (Map.Entry<String, ?> e : params.entrySet()) {
      r = r.query(e.getKey(), e.getValue());
    }
    return r;
  }

  /** Sets a header for this request only, e.g. {@code If-Match}; replaces a client default of that name. */
  public RestRequest header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value of header " + name);
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new RestRequest(method, path, query, Collections.unmodifiableMap(h), jsonBody, rawBody, rawMediaType, expected, timeout);
  }

  /**
   * Sets the body to {@code body} written as JSON by the shared mapper (null properties are left out):
   * a record, a map, or a {@code JsonNode}. Null removes the body.
   */
  public RestRequest body(@Nullable Object body) {
    return new RestRequest(method, path, query, headers, body, null, null, expected, timeout);
  }

  /** Sets a non-JSON body, e.g. a file upload with {@code application/octet-stream}. */
  public RestRequest rawBody(String mediaType, byte[] content) {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(content, "content");
    return new RestRequest(method, path, query, headers, null, content.clone(), mediaType, expected, timeout);
  }

  /**
   * Returns these statuses to the caller instead of classifying them into exceptions, e.g.
   * {@code expect(404)} to treat "not found" as "absent" or {@code expect(409)} for "exists". Every 2xx is
   * always returned. Adds to statuses expected earlier. Use {@link RestResponse#requireSuccess()} to
   * classify an expected status after all.
   */
  public RestRequest expect(int... statuses) {
    Set<Integer> s = new TreeSet<>(expected);
    for (int status : statuses) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("not an HTTP status: " + status);
      }
      s.add(status);
    }
    return new RestRequest(method, path, query, headers, jsonBody, rawBody, rawMediaType, Collections.unmodifiableSet(s), timeout);
  }

  /**
   * Bounds this call (connect, send, wait, read) to {@code timeout}, overriding the client's call timeout,
   * e.g. to a long-poll's wait plus a margin, or to {@code ctx.remaining()}.
   */
  public RestRequest timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    return new RestRequest(method, path, query, headers, jsonBody, rawBody, rawMediaType, expected, timeout);
  }

  /** The HTTP method, upper case. */
  public String method() {
    return method;
  }

  /** The path below the client's base URL, unencoded, as given. */
  public String path() {
    return path;
  }

  /** The query parameters in the order added. */
  public List<Map.Entry<String, String>> queryParameters() {
    return query;
  }

  /** Headers set on this request. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The object to write as JSON, or null. */
  public @Nullable Object jsonBody() {
    return jsonBody;
  }

  /** The raw body bytes (a copy), or null when the body is JSON or absent. */
  public @Nullable byte[] rawBody() {
    return rawBody == null ? null : rawBody.clone();
  }

  /** The media type of {@link #rawBody()}, or null. */
  public @Nullable String rawMediaType() {
    return rawMediaType;
  }

  /** The non-2xx statuses returned instead of thrown. */
  public Set<Integer> expected() {
    return expected;
  }

  /** This call's own timeout, or null to use the client's. */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /** Whether {@code status} is returned to the caller: any 2xx, or one of {@link #expected()}. */
  public boolean returns(int status) {
    return (status >= 200 && status < 300) || expected.contains(status);
  }

  /** Method and path, e.g. {@code GET /v9/projects/web}; never the query, which may hold secrets. */
  @Override
  public String toString() {
    return method + " " + path + (expected.isEmpty() ? "" : " expect " + Arrays.toString(expected.toArray()));
  }
}
