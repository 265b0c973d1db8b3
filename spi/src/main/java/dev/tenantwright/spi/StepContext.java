package dev.tenantwright.spi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * Everything a step may use while it runs: who it provisions for, how to name and mark what it makes,
 * how long it may take, and the services the host lends it.
 *
 * <p>The engine creates one context per step attempt and it is valid only during that call. Plugins never
 * receive framework internals (the plugin manager, the injector, the journal); this is the whole surface.
 *
 * <pre>{@code
 * public CreateResult<SiteOutputs> create(SiteSpec spec, StepContext ctx) {
 *   String name = ctx.resourceName();          // deterministic: found again on a retry
 *   Optional<Site> existing = api.find(name);
 *   if (existing.isPresent()) {
 *     String marker = existing.get().marker();
 *     if (ctx.isOurs(marker)) return CreateResult.created(outputs(existing.get()));   // our earlier attempt
 *     if (ctx.belongsHere(marker)) return CreateResult.adopted(outputs(existing.get()));
 *     throw new PermanentException("site " + name + " exists and is not managed by Tenantwright");
 *   }
 *   ctx.progress().report(10, "creating " + name);
 *   return CreateResult.created(outputs(api.create(name, ctx.ownershipMarker())));
 * }
 * }</pre>
 */
public interface StepContext {

  /** The tenant being provisioned. */
  TenantInfo tenant();

  /** The environment being provisioned. */
  EnvironmentInfo environment();

  /** The id of the run this step belongs to. */
  String runId();

  /** The blueprint name of this resource or step, e.g. {@code web}. */
  String stepName();

  /**
   * A key that is the same for every attempt of this step in this run and different for any other step or
   * run. Send it as the backend's idempotency key where one exists, and store it on created objects so
   * that a retry can tell "I made this a moment ago" from "this was already here".
   */
  String idempotencyKey();

  /**
   * A deterministic backend-safe name for this resource: lowercase letters, digits and '-', derived from
   * tenant id, environment name and resource name, at most 63 characters. The same on every attempt and
   * every run for the same resource.
   */
  String resourceName();

  /**
   * The start every backend name of this tenant environment shares (its resources' {@link #resourceName()}s begin
   * with it), e.g. {@code acme--demo--}: for checking that a name a spec refers to — another resource's service,
   * volume or project — belongs to this environment and not to another tenant's. Tenant ids and environment names
   * never contain the separator, so no other environment's names start with it. (Environments created before 0.2
   * use {@code acme-demo-}, which is not unambiguous: a check on it is only as strong as the old names were.)
   */
  String backendNamePrefix();

  /**
   * The ownership marker to store on objects this resource creates (a label, comment, config key), at most
   * 140 characters of {@code [a-z0-9:/@.-]}: {@code tw:<tenant>/<environment>/<resource>@<hash of the
   * idempotency key>}. An existing object whose marker does not {@linkplain #belongsHere belong here} is
   * foreign: never adopt it, never delete it.
   */
  String ownershipMarker();

  /**
   * Whether a marker read back from a backend object names this tenant, environment and resource (made by
   * any run). Only such an object may be adopted; any other is a conflict.
   */
  boolean belongsHere(String markerFound);

  /**
   * Whether a marker read back from a backend object shows that this very step made it — in an earlier
   * attempt of this run — so that {@code create} reports {@link CreateResult#created created} rather than
   * adopted, and rollback deletes it.
   */
  boolean isOurs(String markerFound);

  /** The 1-based attempt number of this call. */
  int attempt();

  /** When this step must be done; a step that passes it is failed by the engine. */
  Instant deadline();

  /** Time left until {@link #deadline()}, never negative. */
  default Duration remaining() {
    Duration d = Duration.between(clock().instant(), deadline());
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** Whether the run was cancelled; long-running steps should check this between backend calls. */
  boolean isCancelled();

  /** Throws {@link CancellationException} if the run was cancelled. */
  default void checkCancelled() {
    if (isCancelled()) {
      throw new CancellationException("run " + runId() + " was cancelled");
    }
  }

  /**
   * Waits for {@code duration} (capped at the deadline), returning early and throwing
   * {@link CancellationException} if the run is cancelled. Use it between polls.
   *
   * @throws RetryableException if the deadline passes while waiting
   */
  void pause(Duration duration);

  /** The clock the engine uses; tests may supply a fake one. */
  Clock clock();

  /** Reports progress within this step. */
  ProgressReporter progress();

  /** Looks up a named secret of this environment (generated by a {@code secret} resource or configured by the host). */
  Optional<Secret> secret(String name);

  /** Runs processes from argv lists. */
  CommandRunner commands();

  /**
   * The plugin's configuration bound to {@code type} (a record), from the host's configuration section
   * named after the resource type's backend.
   *
   * @throws PermanentException if the configuration is missing or does not bind, naming the field
   */
  <C> C config(Class<C> type);

  /**
   * Records durably what this step did, for a side effect that leaves nothing a later attempt could look up — an
   * e-mail handed to a mail server, a message put on a queue. The value is committed to the journal before this
   * returns, fenced by the run's lease like every write of the run, and {@link #checkpoint(String)} returns it to
   * every later attempt of this step in this run: a retry, a resume after a crash, another engine that took the run
   * over, an undo. Recording a name again replaces its value.
   *
   * <p>Write a checkpoint <em>before</em> the moment of no return ("about to commit") and another <em>after</em> it
   * ("done"): an attempt that finds the first without the second knows the side effect may have happened. See the
   * mail plugin for a worked protocol.
   *
   * <p>Names are 1 to {@value #CHECKPOINT_NAME_MAX} characters of {@code [a-z0-9.-]}, starting with a letter or
   * digit. Values are plain text of at most {@value #CHECKPOINT_VALUE_MAX} characters, stored as they are:
   * <strong>never a secret</strong> (a password, token, key or anything derived from one that a guess could be
   * checked against) — the journal keeps checkpoints in clear, unlike {@link Secret}s.
   *
   * <p>When it cannot be recorded the step must stop at once, without the side effect: it throws an unchecked
   * exception when the journal is unavailable or this engine no longer holds the run (another engine took it
   * over; such a write is refused and never overwrites what the other engine recorded). After a lost commit the
   * checkpoint may or may not be there; the run resumes from the journal either way.
   *
   * <p>Contexts that cannot record checkpoints (implementations written before SPI 1.1) throw
   * {@link UnsupportedOperationException}.
   *
   * @throws IllegalArgumentException if the name or value breaks the rules above
   * @since SPI 1.1
   */
  default void checkpoint(String name, String value) {
    throw new UnsupportedOperationException("this StepContext records no checkpoints (it predates SPI 1.1)");
  }

  /**
   * The value last {@linkplain #checkpoint(String, String) recorded} under {@code name} by any attempt of this step
   * in this run (this one included), or empty. It survives crashes, takeovers by another engine and retries; another
   * step, or the same step in another run, never sees it.
   *
   * @throws IllegalArgumentException if the name breaks the rules of {@link #checkpoint(String, String)}
   * @since SPI 1.1
   */
  default Optional<String> checkpoint(String name) {
    throw new UnsupportedOperationException("this StepContext records no checkpoints (it predates SPI 1.1)");
  }

  /**
   * The trace context of this step attempt as W3C Trace Context headers — {@code traceparent} and, when there is one,
   * {@code tracestate} — for a step to send along with what it asks of its backend, so that the backend's own spans
   * join the host's trace of this step. Empty when the host traces nothing. Names are lower case; the map is
   * immutable and the same for the whole attempt.
   *
   * <p>Most plugins need not read it: the engine's {@link #commands()} already passes it to every process as the
   * environment variables {@code TRACEPARENT} and {@code TRACESTATE}, and the shared plugin support's REST client
   * sends it on every request made through {@code RestClient.forStep(ctx)}. It is here — as plain strings, no
   * tracing library's types — for a plugin that talks to its backend some other way.
   *
   * @since SPI 1.2
   */
  default Map<String, String> traceHeaders() {
    return Map.of();
  }

  /** The longest checkpoint name, in characters. */
  int CHECKPOINT_NAME_MAX = 40;

  /** The longest checkpoint value, in characters. */
  int CHECKPOINT_VALUE_MAX = 1000;
}
