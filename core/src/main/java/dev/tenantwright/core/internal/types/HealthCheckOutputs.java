package dev.tenantwright.core.internal.types;

import java.util.Objects;

/**
 * The answer that made an {@code http.health-check} pass.
 *
 * @param url the URL that was checked
 * @param status the HTTP status it answered with
 */
public record HealthCheckOutputs(String url, int status) {

  /** Validates presence. */
  public HealthCheckOutputs {
    Objects.requireNonNull(url, "url");
  }
}
