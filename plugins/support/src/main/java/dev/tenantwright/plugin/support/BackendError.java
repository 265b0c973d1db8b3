package dev.tenantwright.plugin.support;

import dev.tenantwright.spi.Nullable;
import java.util.Objects;

/**
 * A backend's own explanation of a failed call, as an {@link ErrorDecoder} extracted it from the response
 * body: an optional machine code and a human message.
 *
 * <p>Plugins read it to tell expected refusals apart (a Cloudflare {@code 81057} "record already exists",
 * an Incus "already exists" hidden in a 500) without parsing every envelope themselves. Immutable.
 *
 * @param code the backend's error code as text ({@code "forbidden"}, {@code "81057"}), or null when it
 *     gave none
 * @param message the backend's message, whitespace-collapsed and truncated; never null, may be empty
 */
public record BackendError(@Nullable String code, String message) {

  /** Validates presence of the message. */
  public BackendError {
    Objects.requireNonNull(message, "message");
  }

  /** The code in brackets followed by the message, e.g. {@code [not_found] Project not found}. */
  @Override
  public String toString() {
    return code == null || code.isEmpty() ? message : "[" + code + "] " + message;
  }
}
