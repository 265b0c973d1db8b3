package dev.tenantwright.core;

import dev.tenantwright.spi.EnvironmentKind;
import java.util.List;
import java.util.Optional;

/**
 * Provisions, changes and destroys a tenant's environments. Obtained from {@link Tenantwright#environments()};
 * thread-safe. Every method that starts a run returns at once with a {@link Run} handle.
 *
 * <pre>{@code
 * Run demo = tw.environments().provision(tenant.id(), EnvironmentKind.DEMO);
 * Run test = tw.environments().createTest(tenant.id(), "checkout", RunOptions.defaults());
 * demo.await(Duration.ofMinutes(5));
 * }</pre>
 */
public interface Environments {

  /** Provisions the tenant's {@code demo} or {@code live} environment with default options. */
  default Run provision(String tenantId, EnvironmentKind kind) {
    return provision(tenantId, kind, RunOptions.defaults());
  }

  /**
   * Provisions the tenant's {@code demo} or {@code live} environment (for test instances use
   * {@link #createTest}). Provisioning a FAILED environment again retries it.
   *
   * @throws ConflictException when the environment already has an active run
   */
  Run provision(String tenantId, EnvironmentKind kind, RunOptions options);

  /** Creates the test instance {@code test-<name>}; {@code name} is 1–20 of {@code [a-z0-9-]}, starting with a letter. */
  Run createTest(String tenantId, String name, RunOptions options);

  /** Brings an environment in line with its (possibly changed) blueprint and parameters. */
  Run update(String tenantId, String environment, RunOptions options);

  /**
   * Deploys again without a configuration change — e.g. on a verified git webhook: every resource whose
   * type can update in place is updated (pull, build, restart), the rest stay as they are.
   */
  Run redeploy(String tenantId, String environment, RunOptions options);

  /** Deletes every resource the environment created, in reverse dependency order; adopted objects are left in place. */
  Run destroy(String tenantId, String environment, RunOptions options);

  /**
   * Returns the environment to its clean provisioned state: a resource type's own reset where it has one
   * (restore a baseline snapshot), else destroy and create. Resetting live needs an {@link Approval}.
   */
  Run reset(String tenantId, String environment, RunOptions options);

  /**
   * Promotes a READY test instance whose health checks pass to live: live is updated with the test
   * instance's validated configuration (blueprint and parameters) as a PROMOTE run. Data never moves:
   * no resource is copied, and a change that would replace or delete a data-bearing or destructive
   * resource on live needs an {@link Approval}.
   */
  Run promote(String tenantId, String testEnvironment, RunOptions options);

  /**
   * Starts a new provisioning run for a FAILED environment, up to the configured number of failed attempts
   * (then a {@link PolicyViolationException}).
   */
  Run retry(String tenantId, String environment, RunOptions options);

  /** The environment's state, active run, running steps, percent and last error. */
  EnvironmentStatus status(String tenantId, String environment);

  /** What {@link #provision} / {@link #update} would do now, without doing it. */
  Plan plan(String tenantId, String environment, RunKind kind, RunOptions options);

  List<Environment> list(String tenantId);

  Optional<Environment> find(String tenantId, String environment);

  /**
   * The name a resource of this environment has (or will have) in its backend — the name plugins get from
   * {@code StepContext.resourceName()}: {@code tenant--environment--resource}, cut and hashed beyond 63
   * characters; environments created before names became unambiguous keep {@code tenant-environment-resource}.
   * For finding a tenant's objects in a backend's own console.
   */
  String backendName(String tenantId, String environment, String resource);
}
