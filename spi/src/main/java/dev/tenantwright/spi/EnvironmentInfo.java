package dev.tenantwright.spi;

import java.util.Objects;

/**
 * What a step may know about the environment it provisions.
 *
 * @param tenantId the owning tenant's id
 * @param name the environment name: {@code demo}, {@code live} or {@code test-<name>} for the tenant's first site,
 *     {@code <site>-demo}, {@code <site>-live} or {@code <site>-test-<name>} for another
 * @param kind the environment kind
 */
public record EnvironmentInfo(String tenantId, String name, EnvironmentKind kind) {

  /** Validates presence. */
  public EnvironmentInfo {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }

  /**
   * The site (a named world of the tenant: {@code main}, {@code shop}, {@code blog}) this environment belongs to:
   * {@code main} for {@code demo}, {@code live} and {@code test-*}, else the part of the name before its first
   * {@code '-'} (site names contain none).
   */
  public String site() {
    int dash = name.indexOf('-');
    String head = dash < 0 ? name : name.substring(0, dash);
    return head.equals("demo") || head.equals("live") || head.equals("test") ? "main" : head;
  }
}
