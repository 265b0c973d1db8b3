package dev.tenantwright.spi;

import java.util.Objects;

/**
 * What a step may know about the environment it provisions.
 *
 * @param tenantId the owning tenant's id
 * @param name the environment name: {@code demo}, {@code live} or {@code test-<name>}
 * @param kind the environment kind
 */
public record EnvironmentInfo(String tenantId, String name, EnvironmentKind kind) {

  /** Validates presence. */
  public EnvironmentInfo {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }
}
