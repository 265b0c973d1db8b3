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
 *
 * <h2>Sites</h2>
 * A tenant may own several <em>sites</em> — named worlds, e.g. a {@code shop} and a {@code blog} — each with its own
 * demo, live and test instances and the same protection rules (live is never reset or destroyed without an approval,
 * a site's test instance is promoted to that site's live). The first site is {@code main}; its environments are named
 * {@code demo}, {@code live} and {@code test-<name>}. Another site's are {@code <site>-demo}, {@code <site>-live} and
 * {@code <site>-test-<name>}: {@code provision(tenant, "shop", LIVE, options)} makes {@code shop-live}, and every
 * method taking an environment name takes these. A site name is 1–20 of {@code [a-z0-9]} starting with a letter,
 * not {@code demo}, {@code live}, {@code test} or {@code main}. {@link PlanLimits#maxSites} limits how many a plan
 * allows.
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

  /**
   * Provisions the {@code demo} or {@code live} environment of a site ({@code <site>-demo}, {@code <site>-live}; the
   * site {@code main} gives {@code demo} and {@code live}).
   *
   * @throws ValidationException naming {@code site} when it is not a site name
   */
  Run provision(String tenantId, String site, EnvironmentKind kind, RunOptions options);

  /** Creates the test instance {@code test-<name>}; {@code name} is 1–20 of {@code [a-z0-9-]}, starting with a letter. */
  Run createTest(String tenantId, String name, RunOptions options);

  /** Creates the test instance {@code <site>-test-<name>} of a site ({@code test-<name>} for {@code main}). */
  Run createTest(String tenantId, String site, String name, RunOptions options);

  /** The tenant's sites that have an environment (destroyed ones aside): {@code main} first, then by name. */
  List<String> sites(String tenantId);

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
   * Promotes a READY test instance whose health checks pass to its site's live ({@code shop-test-x} to
   * {@code shop-live}): live is updated with the test
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

  /**
   * Reads every resource of the environment from its backend and records, per resource, whether it is in sync,
   * changed (naming the output fields that differ from what the journal recorded; secrets compared without being
   * shown) or gone, as a {@link RunKind#REFRESH} run with a {@link EventType#DRIFT_FOUND} event per drifted resource.
   * Changes nothing, in the backends or the environment's state; backend limits apply as to any run. The findings are
   * read with {@link #drift}.
   *
   * @throws ConflictException when the environment has an active run or was destroyed
   */
  Run refresh(String tenantId, String environment, RunOptions options);

  /**
   * The findings of the environment's latest finished refresh, or empty when it was never refreshed.
   *
   * @throws NotFoundException when the environment does not exist
   */
  Optional<DriftReport> drift(String tenantId, String environment);

  /**
   * Brings a READY environment back to its blueprint from the findings of its latest refresh (taken after the
   * resources last changed): what is gone is created again, what changed is updated in place where its type can and
   * replaced where it cannot, and resources that depend on a recreated one follow. Adopted objects are reported in
   * the plan and left alone. On live, a repair that would do anything needs an {@link Approval}, and replacing a
   * data-bearing resource needs one everywhere live protection asks for it.
   *
   * @throws ConflictException when the environment is not READY, or has no refresh newer than its last change
   */
  Run repair(String tenantId, String environment, RunOptions options);

  /**
   * Holds the environment at {@code version} of its blueprint: fleet roll-outs skip it and an update to another
   * version is refused until it is {@linkplain #unpin unpinned}. Recorded in the audit trail.
   *
   * @throws ValidationException naming {@code version} when the blueprint has no such version registered
   */
  Environment pin(String tenantId, String environment, int version, String actor);

  /** Releases a {@linkplain #pin pin}; an environment that is not pinned is returned as it is. */
  Environment unpin(String tenantId, String environment, String actor);

  /** The environment's state, active run, running steps, percent and last error. */
  EnvironmentStatus status(String tenantId, String environment);

  /** What {@link #provision} / {@link #update} would do now, without doing it. */
  Plan plan(String tenantId, String environment, RunKind kind, RunOptions options);

  /**
   * Whether {@code signatureHeader} signs {@code body} with a secret the environment generated — GitHub's
   * {@code X-Hub-Signature-256} form, {@code sha256=} and the hex HMAC-SHA256 of the raw body, which Gitea, Forgejo and
   * others send too. For a host's push-webhook endpoint: each environment's webhook gets its own generated secret (a
   * {@code secret} resource, e.g. {@code webhook-secret}, that a {@code github.webhook} step registers), and the host
   * checks a delivery against it without the secret ever leaving the SDK. Constant-time; false for any missing or
   * malformed part, an unknown environment or a resource that is not a generated secret.
   */
  boolean verifySignature(String tenantId, String environment, String secretResource, byte[] body,
      String signatureHeader);

  /** The tenant's environments, destroyed ones included, oldest first. */
  List<Environment> list(String tenantId);

  /**
   * One page of the tenant's environments, destroyed ones included, by name; {@link Page#nextCursor()} reads on.
   *
   * @throws ValidationException naming {@code cursor} when the cursor is not one this list gave
   */
  Page<Environment> list(String tenantId, PageRequest page);

  Optional<Environment> find(String tenantId, String environment);

  /**
   * The name a resource of this environment has (or will have) in its backend — the name plugins get from
   * {@code StepContext.resourceName()}: {@code tenant--environment--resource}, cut and hashed beyond 63
   * characters; environments created before names became unambiguous keep {@code tenant-environment-resource}.
   * For finding a tenant's objects in a backend's own console.
   */
  String backendName(String tenantId, String environment, String resource);
}
