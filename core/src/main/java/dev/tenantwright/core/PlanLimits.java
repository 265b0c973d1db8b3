package dev.tenantwright.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a tenant's plan allows: checked before any side effect of a run, refused with a
 * {@link PolicyViolationException} naming the limit and the current count.
 *
 * <pre>{@code
 * Tenantwright.builder().planLimits("starter", PlanLimits.unlimited().maxTestInstances(2).maxResources("vercel.project", 3));
 * }</pre>
 *
 * @param maxTestInstances how many test instances may exist at once, or null for no limit
 * @param maxEnvironments how many environments (of any kind) may exist at once, or null
 * @param maxResourcesPerType per resource type, how many may exist across all of the tenant's environments
 * @param maxSites how many sites (see {@link Environments}) the tenant may have, {@code main} included, or null
 */
public record PlanLimits(Integer maxTestInstances, Integer maxEnvironments, Map<String, Integer> maxResourcesPerType,
    Integer maxSites) {

  /** Copies the map. */
  public PlanLimits {
    maxResourcesPerType = Map.copyOf(maxResourcesPerType);
  }

  /** Limits without a limit on sites (the form before sites existed). */
  public PlanLimits(Integer maxTestInstances, Integer maxEnvironments, Map<String, Integer> maxResourcesPerType) {
    this(maxTestInstances, maxEnvironments, maxResourcesPerType, null);
  }

  /** No limits. */
  public static PlanLimits unlimited() {
    return new PlanLimits(null, null, Map.of(), null);
  }

  /** At most {@code n} sites, {@code main} included. */
  public PlanLimits maxSites(int n) {
    return new PlanLimits(maxTestInstances, maxEnvironments, maxResourcesPerType, n);
  }

  /** At most {@code n} test instances. */
  public PlanLimits maxTestInstances(int n) {
    return new PlanLimits(n, maxEnvironments, maxResourcesPerType, maxSites);
  }

  /** At most {@code n} environments. */
  public PlanLimits maxEnvironments(int n) {
    return new PlanLimits(maxTestInstances, n, maxResourcesPerType, maxSites);
  }

  /** At most {@code n} resources of {@code type} across the tenant's environments. */
  public PlanLimits maxResources(String type, int n) {
    Map<String, Integer> m = new LinkedHashMap<>(maxResourcesPerType);
    m.put(Objects.requireNonNull(type, "type"), n);
    return new PlanLimits(maxTestInstances, maxEnvironments, m, maxSites);
  }
}
