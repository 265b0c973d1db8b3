package dev.tenantwright.plugin.support;

import dev.tenantwright.plugin.support.internal.StandardErrorDecoder;
import java.util.Optional;

/**
 * Extracts a backend's own error code and message from a failed response, so that exceptions and logs
 * say what the backend said rather than only a status code.
 *
 * <p>Each {@link RestClient} has one; the {@link #standard()} decoder understands the envelopes of every
 * backend Tenantwright ships a plugin for. A plugin whose backend answers differently supplies its own
 * through {@link RestClient.Builder#errorDecoder(ErrorDecoder)}. Implementations must be thread-safe and
 * must not throw: return empty when the body says nothing useful.
 *
 * <pre>{@code
 * ErrorDecoder agent = response -> Optional.of(new BackendError(null, response.header("X-Reason").orElse("")));
 * }</pre>
 */
@FunctionalInterface
public interface ErrorDecoder {

  /** The backend's explanation in {@code response}, or empty when it gave none. */
  Optional<BackendError> decode(RestResponse response);

  /**
   * The decoder every client uses unless told otherwise. It tries, in order: {@code {"error":{"code",
   * "message"}}} (Vercel), {@code {"errors":[{"code","message"}]}} (Cloudflare; all messages joined),
   * {@code {"error":"..."}} (Incus), {@code {"message":"..."}} (Traefik, also when sent as text/plain), and
   * finally the raw body text. Messages are whitespace-collapsed and truncated to 300 characters.
   */
  static ErrorDecoder standard() {
    return StandardErrorDecoder.INSTANCE;
  }
}
