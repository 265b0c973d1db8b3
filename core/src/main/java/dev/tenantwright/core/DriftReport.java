package dev.tenantwright.core;

import java.time.Instant;
import java.util.List;

/**
 * What the latest {@link RunKind#REFRESH refresh} of an environment found, resource by resource. Values are never
 * shown: a changed secret is reported by its field name only.
 *
 * <pre>{@code
 * tw.environments().refresh(tenantId, "live", RunOptions.defaults()).awaitSuccess(Duration.ofMinutes(1));
 * DriftReport drift = tw.environments().drift(tenantId, "live").orElseThrow();
 * drift.drifted().forEach(r -> log.warn("{} is {} {}", r.name(), r.status(), r.fields()));
 * }</pre>
 *
 * @param tenantId the tenant
 * @param environment the environment
 * @param runId the refresh run
 * @param readAt when the refresh started reading
 * @param resources every resource the refresh read, in the blueprint's order
 */
public record DriftReport(String tenantId, String environment, String runId, Instant readAt,
    List<ResourceDrift> resources) {

  /** Copies the list. */
  public DriftReport {
    resources = List.copyOf(resources);
  }

  /** Whether every resource read was in sync. */
  public boolean inSync() {
    return resources.stream().allMatch(r -> r.status() == DriftStatus.IN_SYNC);
  }

  /** The resources that changed or are gone. */
  public List<ResourceDrift> drifted() {
    return resources.stream().filter(r -> r.status() != DriftStatus.IN_SYNC).toList();
  }

  /** The finding for the resource of that name, or null. */
  public ResourceDrift resource(String name) {
    return resources.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
  }

  /**
   * One resource's finding.
   *
   * @param name the resource's blueprint name
   * @param type its type
   * @param origin {@code CREATED} or {@code ADOPTED}; a repair never touches an adopted object
   * @param status in sync, changed or gone
   * @param fields the output fields that differ from what was recorded (empty unless changed)
   */
  public record ResourceDrift(String name, String type, String origin, DriftStatus status, List<String> fields) {

    /** Copies the list. */
    public ResourceDrift {
      fields = List.copyOf(fields);
    }
  }
}
