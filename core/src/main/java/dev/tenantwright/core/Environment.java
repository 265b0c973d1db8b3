package dev.tenantwright.core;

import dev.tenantwright.core.internal.api.EnvironmentNames;
import dev.tenantwright.spi.EnvironmentKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One world of a tenant — its demo, a test instance or live — with the resources it owns.
 *
 * @param tenantId the owning tenant
 * @param name {@code demo}, {@code live} or {@code test-<name>}, prefixed with {@code <site>-} outside the site
 *     {@code main} (see {@link Environments})
 * @param kind the kind
 * @param state the state
 * @param blueprint the name of the blueprint it runs
 * @param lastError the error of its last failed run, or null
 * @param resources what exists in the backends for it
 * @param createdAt when it was first provisioned
 * @param updatedAt when it last changed
 * @param blueprintVersion the version of the blueprint it runs (0 for an environment recorded before blueprints had
 *     versions: it follows the highest registered version)
 * @param pinnedVersion the version it is {@linkplain Environments#pin pinned} to, or null
 */
public record Environment(
    String tenantId, String name, EnvironmentKind kind, EnvironmentState state, String blueprint, String lastError,
    List<Resource> resources, Instant createdAt, Instant updatedAt, int blueprintVersion, Integer pinnedVersion) {

  /** Copies the resources. */
  public Environment {
    resources = List.copyOf(resources);
  }

  /** An environment without version information (as before blueprints had versions). */
  public Environment(String tenantId, String name, EnvironmentKind kind, EnvironmentState state, String blueprint,
      String lastError, List<Resource> resources, Instant createdAt, Instant updatedAt) {
    this(tenantId, name, kind, state, blueprint, lastError, resources, createdAt, updatedAt, 0, null);
  }

  /**
   * A resource the environment owns.
   *
   * @param name the blueprint name
   * @param type the type
   * @param origin {@code CREATED} or {@code ADOPTED}
   * @param outputs the outputs (secrets shown masked)
   */
  public record Resource(String name, String type, String origin, Map<String, Object> outputs) {}

  /** The site the environment belongs to: {@code main}, or the prefix of its name. */
  public String site() {
    return EnvironmentNames.parse(name).site();
  }

  /** The resource of that name, or null. */
  public Resource resource(String resourceName) {
    return resources.stream().filter(r -> r.name().equals(resourceName)).findFirst().orElse(null);
  }
}
