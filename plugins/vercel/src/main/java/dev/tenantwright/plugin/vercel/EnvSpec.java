package dev.tenantwright.plugin.vercel;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.plugin.vercel.internal.Ownership;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a {@code vercel.env} should be: a set of environment variables on a project. Validated on construction.
 *
 * @param project the project's id or name, normally {@code ${site.id}}; it must have been made by a
 *     {@code vercel.project} of the same environment
 * @param vars variable names to values; values are secrets (a plain string or {@code ${secrets.NAME}}) and
 *     never appear in outputs, logs or the journal
 * @param type {@code encrypted} (the default), {@code sensitive} (write-only) or {@code plain}
 * @param target where the variables apply: any of {@code production}, {@code preview}, {@code development};
 *     default production and preview
 * @param gitBranch limits preview variables to one branch; needs target {@code [preview]}
 */
public record EnvSpec(
    String project,
    Map<String, Secret> vars,
    @Nullable String type,
    @Nullable List<String> target,
    @Nullable String gitBranch) {

  private static final Set<String> TYPES = Set.of("encrypted", "sensitive", "plain");
  private static final Set<String> TARGETS = Set.of("production", "preview", "development");

  /** Validates every field and orders the variables by name. */
  public EnvSpec {
    if (project == null || project.isBlank()) {
      throw new PermanentException("field 'project': must name the project, e.g. ${site.id}");
    }
    Names.vercelProjectIdOrName("project", project);
    if (vars == null || vars.isEmpty()) {
      throw new PermanentException("field 'vars': must hold at least one variable");
    }
    for (Map.Entry<String, Secret> v : vars.entrySet()) {
      Names.envVarName("vars", v.getKey());
      if (v.getKey().startsWith(Ownership.RESERVED_PREFIX)) {
        throw new PermanentException("field 'vars': \"" + v.getKey() + "\" is reserved: names starting with "
            + Ownership.RESERVED_PREFIX + " hold Tenantwright's ownership markers");
      }
      if (v.getValue() == null) {
        throw new PermanentException("field 'vars': \"" + v.getKey() + "\" has no value");
      }
    }
    vars = new TreeMap<>(vars);
    if (type != null && !TYPES.contains(type)) {
      throw new PermanentException("field 'type': \"" + type + "\" is not one of encrypted, sensitive, plain");
    }
    if (target != null) {
      if (target.isEmpty() || !TARGETS.containsAll(target)) {
        throw new PermanentException("field 'target': must list production, preview and/or development");
      }
      target = List.copyOf(target);
    }
    if ("sensitive".equals(type) && effectiveTarget(target).contains("development")) {
      throw new PermanentException("field 'target': sensitive variables cannot target development");
    }
    if (gitBranch != null && !effectiveTarget(target).equals(List.of("preview"))) {
      throw new PermanentException("field 'gitBranch': a branch needs target [preview]");
    }
  }

  /** The variable type to send. */
  public String effectiveType() {
    return type == null ? "encrypted" : type;
  }

  /** The targets to send. */
  public List<String> effectiveTarget() {
    return effectiveTarget(target);
  }

  private static List<String> effectiveTarget(List<String> target) {
    return target == null ? List.of("production", "preview") : target;
  }
}
