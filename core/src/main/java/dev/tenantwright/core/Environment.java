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
 * @param blueprint the blueprint it was provisioned from
 * @param lastError the error of its last failed run, or null
 * @param resources what exists in the backends for it
 * @param createdAt when it was first provisioned
 * @param updatedAt when it last changed
 */
public record Environment(
    String tenantId, String name, EnvironmentKind kind, EnvironmentState state, String blueprint, String lastError,
    List<Resource> resources, Instant createdAt, Instant updatedAt) {

  /** Copies the resources. */
  public Environment {
    resources = List.copyOf(resources);
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
