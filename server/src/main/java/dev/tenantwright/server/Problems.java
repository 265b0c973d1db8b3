package dev.tenantwright.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.ValidationException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error as {@code application/problem+json} (RFC 9457): the SDK's exceptions become the status HTTP means by
 * them — a {@link ValidationException} 422 naming its field, {@link NotFoundException} 404, {@link ConflictException}
 * 409, a {@link PolicyViolationException} 403 naming its policy — and anything unexpected a 500 whose detail says
 * nothing of the server's insides (the log has it).
 */
final class Problems {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  static final String TYPE_BASE = "https://tenantwright.dev/problems/";

  private Problems() {}

  static void handle(Exception e, Context ctx) {
    if (e instanceof ApiException a) {
      if (a.retryAfterSeconds() > 0) {
        ctx.header("Retry-After", Long.toString(a.retryAfterSeconds()));
      }
      write(ctx, a.status(), a.type(), a.getMessage(), a.field(), null);
    } else if (e instanceof ValidationException v) {
      write(ctx, 422, "invalid", v.getMessage(), v.field(), null);
    } else if (e instanceof BlueprintException b) {
      write(ctx, 422, "invalid-blueprint", b.getMessage(), "blueprint", null);
    } else if (e instanceof NotFoundException) {
      write(ctx, 404, "not-found", e.getMessage(), null, null);
    } else if (e instanceof ConflictException) {
      write(ctx, 409, "conflict", e.getMessage(), null, null);
    } else if (e instanceof PolicyViolationException p) {
      write(ctx, 403, "policy", p.getMessage(), null, p.policy());
    } else if (e instanceof HttpResponseException h) {
      int status = h.getStatus();
      write(ctx, status, status == 413 ? "too-large" : "http-" + status, h.getMessage(), null, null);
    } else {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      write(ctx, 500, "internal", "the server could not complete the request; its log says why", null, null);
    }
  }

  static void write(Context ctx, int status, String type, String detail, String field, String policy) {
    ObjectNode o = Views.JSON.createObjectNode();
    o.put("type", TYPE_BASE + type);
    o.put("title", title(status));
    o.put("status", status);
    if (detail != null) {
      o.put("detail", detail);
    }
    o.put("instance", ctx.path());
    if (field != null) {
      o.put("field", field);
    }
    if (policy != null) {
      o.put("policy", policy);
    }
    ctx.status(status).contentType("application/problem+json").result(o.toString());
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 406 -> "Not acceptable";
      case 409 -> "Conflict";
      case 413 -> "Content too large";
      case 415 -> "Unsupported media type";
      case 422 -> "Unprocessable content";
      case 429 -> "Too many requests";
      case 503 -> "Service unavailable";
      default -> status >= 500 ? "Server error" : "Error";
    };
  }
}
