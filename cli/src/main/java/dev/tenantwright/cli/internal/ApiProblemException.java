package dev.tenantwright.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The server refused a request: its HTTP status and, from the {@code application/problem+json} body (RFC 9457),
 * the title, the detail, the request field at fault and the policy that refused, each null when absent.
 */
public final class ApiProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String title;
  private final String detail;
  private final String field;
  private final String policy;
  private final String retryAfter;

  ApiProblemException(int status, String title, String detail, String field, String policy, String retryAfter) {
    super(status + " " + title + (detail == null ? "" : ": " + detail));
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.field = field;
    this.policy = policy;
    this.retryAfter = retryAfter;
  }

  /**
   * The problem an error answer describes; an answer that is not a problem document (a proxy's HTML page, say)
   * becomes one with the status's name and the start of the body.
   */
  static ApiProblemException of(int status, String body, String retryAfter) {
    JsonNode problem = Json.parseOrNull(body);
    if (problem != null && problem.isObject() && problem.has("title")) {
      return new ApiProblemException(status, problem.path("title").asText(), text(problem, "detail"),
          text(problem, "field"), text(problem, "policy"), retryAfter);
    }
    String snippet = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    return new ApiProblemException(status, "HTTP " + status, snippet.isEmpty() ? null
        : snippet.substring(0, Math.min(200, snippet.length())), null, null, retryAfter);
  }

  private static String text(JsonNode o, String name) {
    JsonNode v = o.get(name);
    return v == null || v.isNull() ? null : v.asText();
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return detail;
  }

  /** The request field at fault (a 422), or null. */
  public String field() {
    return field;
  }

  /** The policy that refused (a 403 from a policy), or null. */
  public String policy() {
    return policy;
  }

  /**
   * The problem as one line for an operator: status, title, field or policy, detail, and when to try again. E.g.
   * {@code 422 Unprocessable content (field 'kind'): 'kind' must be DEMO, LIVE or TEST}.
   */
  public String oneLine() {
    StringBuilder sb = new StringBuilder().append(status).append(' ').append(title);
    if (field != null) {
      sb.append(" (field '").append(field).append("')");
    }
    if (policy != null) {
      sb.append(" (policy '").append(policy).append("')");
    }
    if (detail != null) {
      sb.append(": ").append(detail.replaceAll("\\s*\\R\\s*", " "));
    }
    if (retryAfter != null) {
      sb.append(String.format(Locale.ROOT, " (try again in %s s)", retryAfter));
    }
    return sb.toString();
  }

  /** Whether the same request may succeed later without a change: rate limited, or the server busy. */
  boolean transientFailure() {
    return status == 429 || status == 503;
  }
}
