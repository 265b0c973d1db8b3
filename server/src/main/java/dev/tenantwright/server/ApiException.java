package dev.tenantwright.server;

/**
 * An HTTP answer other than success, as the API describes it: its status, a problem type (a short slug, expanded
 * to a URI in the body), what went wrong, and the request field at fault when there is one.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final String field;
  private final long retryAfterSeconds;

  ApiException(int status, String type, String detail, String field) {
    this(status, type, detail, field, 0);
  }

  ApiException(int status, String type, String detail, String field, long retryAfterSeconds) {
    super(detail);
    this.status = status;
    this.type = type;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static ApiException badRequest(String detail) {
    return new ApiException(400, "bad-request", detail, null);
  }

  static ApiException invalid(String field, String detail) {
    return new ApiException(422, "invalid", detail, field);
  }

  static ApiException notFound(String detail) {
    return new ApiException(404, "not-found", detail, null);
  }

  static ApiException forbidden(String detail) {
    return new ApiException(403, "forbidden", detail, null);
  }

  static ApiException conflict(String detail) {
    return new ApiException(409, "conflict", detail, null);
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  String field() {
    return field;
  }

  long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
