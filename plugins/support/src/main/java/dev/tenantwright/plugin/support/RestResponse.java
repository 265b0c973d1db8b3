package dev.tenantwright.plugin.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.tenantwright.plugin.support.internal.ErrorClassifier;
import dev.tenantwright.spi.PermanentException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A backend's answer to one {@link RestRequest}: status, headers and the whole body as text, with JSON
 * decoding by the shared mapper.
 *
 * <p>A client returns a response only for a 2xx status or one the request {@link RestRequest#expect(int...)
 * expected}; everything else has already been thrown as a {@code RetryableException} or
 * {@code PermanentException}. {@link #requireSuccess()} applies that same classification later, for a
 * caller that expected a status, looked at it, and decided it is a failure after all. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * RestResponse r = client.call(RestRequest.post("/1.0/instances", spec).expect(500));
 * if (r.status() == 500 && r.error().map(e -> e.message().contains("already exists")).orElse(false)) {
 *   return adoptExisting(name);
 * }
 * Operation op = r.requireSuccess().as(Operation.class);
 * }</pre>
 */
public final class RestResponse {

  private final String method;
  private final String path;
  private final int status;
  private final Map<String, List<String>> headers;
  private final String body;
  private final ErrorClassifier classifier;

  /**
   * Creates a response; clients do this, plugins and tests normally do not.
   *
   * @param method the request's method
   * @param path the request's path as given, without query
   * @param status the HTTP status
   * @param headers response headers, names lower-cased
   * @param body the body text, empty when there was none
   * @param classifier how the client that made the call classifies failures
   */
  RestResponse(
      String method,
      String path,
      int status,
      Map<String, List<String>> headers,
      String body,
      ErrorClassifier classifier) {
    this.method = method;
    this.path = path;
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.classifier = classifier;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** Whether the status is 2xx. */
  public boolean isSuccessful() {
    return status >= 200 && status < 300;
  }

  /** The method of the request this answers. */
  public String method() {
    return method;
  }

  /** The path of the request this answers, as the caller gave it, without query. */
  public String path() {
    return path;
  }

  /** The first value of a header, looked up case-insensitively. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** All headers, names lower-cased, values in order received. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The body as text (UTF-8 unless the response said otherwise); empty when there was none. */
  public String body() {
    return body;
  }

  /**
   * The body parsed as a JSON tree; a {@link MissingNode} when the body is empty, so {@code path("x")}
   * chains stay safe.
   *
   * @throws PermanentException if the body is not JSON
   */
  public JsonNode json() {
    if (body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return SupportJson.mapper().readTree(body);
    } catch (JsonProcessingException e) {
      throw notDecodable("JSON", e);
    }
  }

  /**
   * The body decoded into {@code type} by the shared mapper (unknown properties are ignored).
   *
   * @throws PermanentException if the body does not decode into {@code type}
   */
  public <T> T as(Class<T> type) {
    return as(SupportJson.mapper().constructType(type));
  }

  /** The body decoded into a generic type, e.g. {@code new TypeReference<List<Project>>() {}}. */
  public <T> T as(TypeReference<T> type) {
    return as(SupportJson.mapper().getTypeFactory().constructType(type));
  }

  private <T> T as(JavaType type) {
    try {
      return SupportJson.mapper().readValue(body, type);
    } catch (JsonProcessingException e) {
      throw notDecodable(type.getRawClass().getSimpleName(), e);
    }
  }

  /** The backend's own error code and message, as the client's {@link ErrorDecoder} reads them. */
  public Optional<BackendError> error() {
    return classifier.decoder().decode(this);
  }

  /**
   * Returns this response if it is 2xx; otherwise throws exactly what the client would have thrown had
   * the status not been expected: {@code RetryableException} for 429 and 5xx, {@code PermanentException}
   * for the rest.
   */
  public RestResponse requireSuccess() {
    if (isSuccessful()) {
      return this;
    }
    throw classifier.classify(this);
  }

  private PermanentException notDecodable(String what, JsonProcessingException e) {
    // The original message omits Jackson's source excerpt, which could hold values from the body.
    return new PermanentException(
        classifier.clientName() + ": " + method + " " + path + " returned " + status
            + " with a body that is not valid " + what + ": " + e.getOriginalMessage());
  }

  /** Method, path and status, e.g. {@code GET /v9/projects/web -> 404}; never the body. */
  @Override
  public String toString() {
    return method + " " + path + " -> " + status;
  }
}
