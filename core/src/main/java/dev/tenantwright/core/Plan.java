package dev.tenantwright.core;

import java.util.List;
import java.util.Locale;

/**
 * What a run would do, computed before anything runs (a dry run): one entry per resource in execution
 * order.
 *
 * @param tenantId the tenant
 * @param environment the environment name
 * @param kind the run kind
 * @param blueprint the blueprint
 * @param steps the planned steps
 */
public record Plan(String tenantId, String environment, RunKind kind, String blueprint, List<Step> steps) {

  /**
   * One planned step.
   *
   * @param name the resource name
   * @param type the resource type
   * @param action what would happen
   * @param reason why
   * @param after the steps it waits for
   */
  public record Step(String name, String type, StepAction action, String reason, List<String> after) {}

  /** Copies the steps. */
  public Plan {
    steps = List.copyOf(steps);
  }

  /** Whether nothing would change (every step is a no-op): no drift. */
  public boolean isEmpty() {
    return steps.stream().allMatch(s -> s.action() == StepAction.NOOP);
  }

  /** A printable table: action, resource, type, reason. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("plan: ").append(kind.name().toLowerCase(Locale.ROOT)).append(' ').append(tenantId).append('/')
        .append(environment).append(" from blueprint '").append(blueprint).append("'\n");
    for (Step s : steps) {
      sb.append(String.format(Locale.ROOT, "  %-8s %-20s %-24s %s%n", s.action().name().toLowerCase(Locale.ROOT),
          s.name(), s.type(), s.reason()));
    }
    return sb.toString();
  }
}
