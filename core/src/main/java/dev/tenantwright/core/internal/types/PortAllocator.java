package dev.tenantwright.core.internal.types;

import java.util.OptionalInt;

/**
 * Hands out host ports that are unique across every tenant and environment this host (or cluster of hosts
 * sharing a journal) manages; the {@code port} type's storage.
 *
 * <p>The journal implements it with a database uniqueness constraint, so two nodes can never lease the same
 * port. Keys are an environment id ({@code tenantId + "/" + environmentName}) and the blueprint resource
 * name. Implementations must be thread-safe.
 */
public interface PortAllocator {

  /**
   * Leases a free port in {@code [from, to]} to the resource, or returns the port it already holds —
   * allocation is idempotent for the same (environment, resource), so a retried create finds its port again.
   *
   * @throws dev.tenantwright.spi.PermanentException if every port in the range is taken
   */
  int allocate(String environmentId, String resourceName, int from, int to);

  /** Gives the resource's port back; releasing a port that is not held is success. */
  void release(String environmentId, String resourceName);

  /** The port the resource holds, if any. */
  OptionalInt find(String environmentId, String resourceName);
}
