package dev.tenantwright.plugin.support.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.BackendError;
import dev.tenantwright.plugin.support.ErrorDecoder;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.plugin.support.SupportJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The default {@link ErrorDecoder}: knows the error envelopes of Vercel, Cloudflare, Incus and Traefik and
 * falls back to the raw body text. Stateless and thread-safe.
 */
public final class StandardErrorDecoder implements ErrorDecoder {

  /** The single instance. */
  public static final StandardErrorDecoder INSTANCE = new StandardErrorDecoder();

  /** Longest message kept; backends sometimes answer with whole HTML pages or stack traces. */
  static final int MAX_MESSAGE = 300;

  private StandardErrorDecoder() {}

  @Override
  public Optional<BackendError> decode(RestResponse response) {
    String body = response.body().strip();
    if (body.isEmpty()) {
      return Optional.empty();
    }
    // Content-Type is not trusted: Traefik sends its JSON errors as text/plain.
    if (body.startsWith("{")) {
      try {
        Optional<BackendError> fromJson = fromJson(SupportJson.mapper().readTree(body));
        if (fromJson.isPresent()) {
          return fromJson;
        }
      } catch (JsonProcessingException e) {
        // Not JSON after all: fall through to the raw text.
      }
    }
    return Optional.of(new BackendError(null, clean(body)));
  }

  private static Optional<BackendError> fromJson(JsonNode root) {
    JsonNode error = root.path("error");
    if (error.isObject() && error.path("message").isTextual()) {
      // Vercel: {"error":{"code":"not_found","message":"..."}}
      return Optional.of(new BackendError(text(error.path("code")), clean(error.path("message").asText())));
    }
    JsonNode errors = root.path("errors");
    if (errors.isArray() && !errors.isEmpty()) {
      // Cloudflare: {"success":false,"errors":[{"code":81044,"message":"..."}]}
      List<String> messages = new ArrayList<>();
      String code = null;
      for (JsonNode e : errors) {
        if (code == null) {
          code = text(e.path("code"));
        }
        String m = e.isTextual() ? e.asText() : e.path("message").asText("");
        if (!m.isBlank()) {
          messages.add(m);
        }
      }
      if (!messages.isEmpty() || code != null) {
        return Optional.of(new BackendError(code, clean(String.join("; ", messages))));
      }
    }
    if (error.isTextual() && !error.asText().isBlank()) {
      // Incus: {"type":"error","error":"Instance not found","error_code":404}
      return Optional.of(new BackendError(null, clean(error.asText())));
    }
    if (root.path("message").isTextual()) {
      // Traefik: {"message":"router not found: x@file"}
      return Optional.of(new BackendError(text(root.path("code")), clean(root.path("message").asText())));
    }
    return Optional.empty();
  }

  private static String text(JsonNode node) {
    return node.isValueNode() && !node.isNull() ? node.asText() : null;
  }

  /** Collapses whitespace and truncates, so one message stays one readable line. */
  static String clean(String text) {
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE) + "...";
  }
}
