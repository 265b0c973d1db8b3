package dev.tenantwright.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Flow;

/**
 * A Tenantwright server's REST API over the JDK's {@link HttpClient}: JSON requests with the bearer token, error
 * answers turned into {@link ApiProblemException}, a server that cannot be reached into
 * {@link ServerUnreachableException}, and event streams opened for {@link RunFollower}.
 *
 * <p>Immutable and thread-safe. The token is sent in the {@code Authorization} header only and appears in no
 * message.
 */
public final class ApiClient {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
  private static final int ERROR_BODY_LIMIT = 64 * 1024;
  private static final String USER_AGENT = "tenantwright-cli/0.1";

  private final String base;
  private final String token;
  private final HttpClient http;

  /**
   * A client of the server at {@code baseUrl} ({@code http://host:port}, maybe with a path prefix).
   *
   * @throws IllegalArgumentException when the URL is not an absolute http or https URL
   */
  public ApiClient(String baseUrl, String token) {
    this.base = checkedBase(baseUrl);
    this.token = token;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  private static String checkedBase(String url) {
    URI uri = null;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException notAUri) {
      // below
    }
    String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getQuery() != null) {
      throw new IllegalArgumentException("'" + url + "' is not a server URL such as http://127.0.0.1:8080");
    }
    String s = uri.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** The server's base URL, as messages name it. */
  public String url() {
    return base;
  }

  /**
   * An API path from its segments, each percent-encoded: {@code path("tenants", id)} is {@code /tenants/<id>}, so
   * that an id with a slash or a space stays one segment.
   */
  public static String path(String... segments) {
    StringBuilder sb = new StringBuilder();
    for (String s : segments) {
      sb.append('/').append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return sb.toString();
  }

  /** The path with a query string of the given name-value pairs; pairs whose value is null are left out. */
  public static String query(String path, String... namesAndValues) {
    StringBuilder sb = new StringBuilder(path);
    char separator = '?';
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      if (namesAndValues[i + 1] != null) {
        sb.append(separator).append(namesAndValues[i]).append('=')
            .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        separator = '&';
      }
    }
    return sb.toString();
  }

  /** A successful answer: its status and body as the server sent it. */
  public record Reply(int status, String body) {

    /** The body as JSON. */
    public JsonNode json() {
      return Json.parse(body, "the server's answer");
    }
  }

  public Reply get(String path) {
    return send(request(path).GET().build());
  }

  /**
   * POSTs a JSON body.
   *
   * @param idempotencyKey sent as {@code Idempotency-Key} so that sending the same request again starts no second
   *     run; null for none
   */
  public Reply post(String path, JsonNode body, String idempotencyKey) {
    HttpRequest.Builder r = request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString(), StandardCharsets.UTF_8));
    if (idempotencyKey != null) {
      r.header("Idempotency-Key", idempotencyKey);
    }
    return send(r.build());
  }

  /** DELETEs, with a JSON body when one is given. */
  public Reply delete(String path, JsonNode body, String idempotencyKey) {
    HttpRequest.Builder r = request(path);
    if (body == null) {
      r.DELETE();
    } else {
      r.header("Content-Type", "application/json")
          .method("DELETE", HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    }
    if (idempotencyKey != null) {
      r.header("Idempotency-Key", idempotencyKey);
    }
    return send(r.build());
  }

  /**
   * Opens an event stream ({@code text/event-stream}) resuming after {@code afterId} ({@code Last-Event-ID}; 0
   * for the start).
   *
   * @param idle how long the stream may stay silent before it counts as dropped; the server sends a comment every
   *     15 seconds
   * @return the stream, or empty when the server answers 204 (nothing follows: the run is over)
   * @throws ApiProblemException when the server refuses the stream
   * @throws ServerUnreachableException when the server cannot be reached
   */
  public Optional<EventStream> events(String path, long afterId, Duration idle) {
    HttpRequest.Builder r = request(path).setHeader("Accept", "text/event-stream").GET();
    if (afterId > 0) {
      r.header("Last-Event-ID", Long.toString(afterId));
    }
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
    try {
      response = http.send(r.build(), HttpResponse.BodyHandlers.ofPublisher());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
    IdleTimeoutBody body = new IdleTimeoutBody(idle);
    response.body().subscribe(body);
    int status = response.statusCode();
    if (status == 200) {
      return Optional.of(new EventStream(body));
    }
    String text;
    try (body) {
      text = status == 204 ? "" : body.readText(ERROR_BODY_LIMIT);
    } catch (IOException e) {
      throw unreachable(e);
    }
    if (status == 204) {
      return Optional.empty();
    }
    throw ApiProblemException.of(status, text, response.headers().firstValue("Retry-After").orElse(null));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(ANSWER_TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json, application/problem+json")
        .header("User-Agent", USER_AGENT);
  }

  private Reply send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return new Reply(status, response.body());
    }
    throw ApiProblemException.of(status, response.body(),
        response.headers().firstValue("Retry-After").orElse(null));
  }

  /** What went wrong on the way to the server, said for an operator. */
  ServerUnreachableException unreachable(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return new ServerUnreachableException("cannot connect to the Tenantwright server at " + base + ": no answer"
          + " within " + CONNECT_TIMEOUT.toSeconds() + " s", e);
    }
    if (e instanceof HttpTimeoutException) {
      return new ServerUnreachableException("the Tenantwright server at " + base + " did not answer within "
          + ANSWER_TIMEOUT.toSeconds() + " s", e);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException) {
        return new ServerUnreachableException("cannot connect to the Tenantwright server at " + base
            + ": unknown host (check --url or TW_URL)", e);
      }
      if (t instanceof ConnectException) {
        return new ServerUnreachableException("cannot connect to the Tenantwright server at " + base
            + ": connection refused (is it running? --url or TW_URL names it)", e);
      }
    }
    return new ServerUnreachableException("lost the connection to the Tenantwright server at " + base + ": "
        + describe(e), e);
  }

  /** An I/O failure's message, or its type when it has none. */
  static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private ServerUnreachableException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    return new ServerUnreachableException("interrupted while waiting for " + base, e);
  }
}
