package dev.tenantwright.opentelemetry;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.tenantwright.core.EngineObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Traces the Tenantwright engine through the host's OpenTelemetry: a span per run and, under it, a span per step
 * attempt, whose context the engine passes on to plugins — as {@code StepContext.traceHeaders()}, as request headers
 * of plugin support's {@code RestClient.forStep(ctx)}, and as the {@code TRACEPARENT} / {@code TRACESTATE}
 * environment variables of the step's processes — so that a backend that traces joins the trace. Register it as an
 * observer:
 *
 * <pre>{@code
 * Tenantwright tw = Tenantwright.builder()
 *     .embedded(dataDir)
 *     .observer(new TenantwrightTracing(openTelemetry))
 *     .build();
 * }</pre>
 *
 * <p><b>Spans.</b> A run is an {@link SpanKind#INTERNAL} span named {@code tenantwright.run <kind>} (e.g.
 * {@code tenantwright.run provision}); each attempt of a step is a child named
 * {@code tenantwright.step <action> <resource type>} ({@code tenantwright.step create vercel.project}, or
 * {@code tenantwright.step compensate vercel.project} for an undo during a rollback). Attributes are namespaced
 * {@code tenantwright.*} (see the {@code AttributeKey} constants). A failed attempt, and a run that rolled back or
 * failed, end with status {@link StatusCode#ERROR} and the error (secrets masked) as its description. Retries, waits
 * for backend limits and a takeover by this engine are events on the run span.
 *
 * <p><b>Parents.</b> A run started while a span is current on the calling thread — inside the host's request span,
 * say — is that span's child: the engine calls {@link #runStarted} on the thread that asked for the run, before any
 * step, and this observer captures {@link Context#current()} there; the steps then run on engine threads but are
 * parented explicitly to the run span, not through a thread-local. A run resumed from the journal (after a restart,
 * a journal outage, or taken over from another engine) has no caller: it starts a new trace, with
 * {@code tenantwright.run.resumed = true} and the same {@code tenantwright.run.id}, which is what links the two.
 *
 * <p><b>Propagation.</b> The step context goes out through the host's configured text-map propagator, or W3C Trace
 * Context when the host configured none (OpenTelemetry's default is a propagator that writes nothing).
 *
 * <p>Uses only the {@code OpenTelemetry} instance it is given, never {@code GlobalOpenTelemetry}. Thread-safe.
 */
public final class TenantwrightTracing implements EngineObserver {

  /** The instrumentation scope of the spans. */
  public static final String INSTRUMENTATION_NAME = "dev.tenantwright";

  /** The tenant's id (run and step spans). */
  public static final AttributeKey<String> TENANT_ID = stringKey("tenantwright.tenant.id");
  /** The environment's name, e.g. {@code live} (run and step spans). */
  public static final AttributeKey<String> ENVIRONMENT_NAME = stringKey("tenantwright.environment.name");
  /** The run's id (run and step spans). */
  public static final AttributeKey<String> RUN_ID = stringKey("tenantwright.run.id");
  /** What the run does: {@code provision}, {@code update}, … (run and step spans). */
  public static final AttributeKey<String> RUN_KIND = stringKey("tenantwright.run.kind");
  /** Whether the run was resumed from the journal rather than started by a caller (run span). */
  public static final AttributeKey<Boolean> RUN_RESUMED = booleanKey("tenantwright.run.resumed");
  /** How many steps the run has (run span). */
  public static final AttributeKey<Long> RUN_STEPS = longKey("tenantwright.run.steps");
  /** How the run's execution here ended: {@code succeeded}, {@code rolled_back}, {@code failed}, {@code stopped}. */
  public static final AttributeKey<String> RUN_OUTCOME = stringKey("tenantwright.run.outcome");
  /** The step's name in the blueprint (step spans, run span events). */
  public static final AttributeKey<String> STEP_NAME = stringKey("tenantwright.step.name");
  /** The resource type or provisioning step, e.g. {@code vercel.project} (step spans). */
  public static final AttributeKey<String> RESOURCE_TYPE = stringKey("tenantwright.resource.type");
  /** {@code create}, {@code update}, {@code replace}, {@code delete}, {@code reset}, {@code promote} or
   * {@code compensate} (step spans). */
  public static final AttributeKey<String> STEP_ACTION = stringKey("tenantwright.step.action");
  /** The 1-based attempt number (step spans, retry events). */
  public static final AttributeKey<Long> STEP_ATTEMPT = longKey("tenantwright.step.attempt");
  /** Whether the attempt undoes the step during a rollback (step spans). */
  public static final AttributeKey<Boolean> STEP_COMPENSATION = booleanKey("tenantwright.step.compensation");
  /** How the attempt ended: {@code succeeded}, {@code retryable_failure}, {@code permanent_failure}, {@code in_doubt}. */
  public static final AttributeKey<String> STEP_OUTCOME = stringKey("tenantwright.step.outcome");
  /** The backend the step's type belongs to, e.g. {@code vercel} (step spans, run span events). */
  public static final AttributeKey<String> BACKEND_NAME = stringKey("tenantwright.backend.name");
  /** Seconds until the next attempt (retry events). */
  public static final AttributeKey<Double> RETRY_DELAY = doubleKey("tenantwright.retry.delay");
  /** Seconds an attempt waited for its backend's limits (permit-wait events). */
  public static final AttributeKey<Double> PERMIT_WAIT = doubleKey("tenantwright.backend.permit.wait");
  /** The engine whose expired lease this engine took the run over from (run span and takeover event). */
  public static final AttributeKey<String> PREVIOUS_OWNER = stringKey("tenantwright.lease.previous_owner");

  /** Every attribute key this class sets, on spans or on their events. */
  public static final List<AttributeKey<?>> ATTRIBUTE_KEYS = List.of(TENANT_ID, ENVIRONMENT_NAME, RUN_ID, RUN_KIND,
      RUN_RESUMED, RUN_STEPS, RUN_OUTCOME, STEP_NAME, RESOURCE_TYPE, STEP_ACTION, STEP_ATTEMPT, STEP_COMPENSATION,
      STEP_OUTCOME, BACKEND_NAME, RETRY_DELAY, PERMIT_WAIT, PREVIOUS_OWNER);

  /** The event on a run span when a step's retry is scheduled. */
  public static final String RETRY_EVENT = "tenantwright.retry_scheduled";
  /** The event on a run span when a step got through its backend's limits. */
  public static final String PERMIT_WAIT_EVENT = "tenantwright.backend_permit_wait";
  /** The event on a run span when this engine took the run over. */
  public static final String TAKEOVER_EVENT = "tenantwright.lease_takeover";

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final Map<String, Span> runs = new ConcurrentHashMap<>();
  private final Map<AttemptKey, Span> attempts = new ConcurrentHashMap<>();

  /** One attempt of one step of one run, as the engine reports it. */
  private record AttemptKey(String runId, String step, boolean compensation, int attempt) {
    static AttemptKey of(StepAttempt a) {
      return new AttemptKey(a.run().id(), a.step(), a.compensation(), a.attempt());
    }
  }

  /** Tracing with the host's {@code openTelemetry}: its tracer provider, and its propagator when it has one. */
  public TenantwrightTracing(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
    TextMapPropagator configured = openTelemetry.getPropagators().getTextMapPropagator();
    this.propagator = configured.fields().isEmpty() ? W3CTraceContextPropagator.getInstance() : configured;
  }

  @Override
  public void runStarted(RunStarted started) {
    RunInfo run = started.run();
    SpanBuilder b = tracer.spanBuilder("tenantwright.run " + lower(run.kind())).setSpanKind(SpanKind.INTERNAL)
        .setAllAttributes(runAttributes(run))
        .setAttribute(RUN_RESUMED, started.resumed())
        .setAttribute(RUN_STEPS, (long) started.steps());
    if (started.resumed()) {
      b.setNoParent();
    } else {
      b.setParent(Context.current());
    }
    Span previous = runs.put(run.id(), b.startSpan());
    if (previous != null) {
      // an earlier execution of the same run here whose end was never reported: close it rather than leak it
      previous.setAttribute(RUN_OUTCOME, RunOutcome.STOPPED.tag()).end();
    }
  }

  @Override
  public void runFinished(RunFinished finished) {
    Span span = runs.remove(finished.run().id());
    if (span == null) {
      return;
    }
    span.setAttribute(RUN_OUTCOME, finished.outcome().tag());
    if (finished.outcome() == RunOutcome.ROLLED_BACK || finished.outcome() == RunOutcome.FAILED) {
      span.setStatus(StatusCode.ERROR, Objects.toString(finished.error(), finished.outcome().tag()));
    }
    span.end();
  }

  @Override
  public void stepStarted(StepAttempt attempt) {
    Span run = runs.get(attempt.run().id());
    SpanBuilder b = tracer.spanBuilder("tenantwright.step " + attempt.actionName() + " " + attempt.resourceType())
        .setSpanKind(SpanKind.INTERNAL)
        .setAllAttributes(runAttributes(attempt.run()))
        .setAttribute(STEP_NAME, attempt.step())
        .setAttribute(RESOURCE_TYPE, attempt.resourceType())
        .setAttribute(STEP_ACTION, attempt.actionName())
        .setAttribute(STEP_ATTEMPT, (long) attempt.attempt())
        .setAttribute(STEP_COMPENSATION, attempt.compensation())
        .setAttribute(BACKEND_NAME, attempt.backend());
    if (run != null) {
      b.setParent(Context.root().with(run));
    } else {
      b.setNoParent();
    }
    attempts.put(AttemptKey.of(attempt), b.startSpan());
  }

  @Override
  public Map<String, String> traceHeaders(StepAttempt attempt) {
    Span span = attempts.get(AttemptKey.of(attempt));
    if (span == null || !span.getSpanContext().isValid()) {
      return Map.of();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    propagator.inject(Context.root().with(span), headers, (carrier, key, value) -> {
      if (carrier != null) {
        carrier.put(key.toLowerCase(Locale.ROOT), value);
      }
    });
    return Collections.unmodifiableMap(headers);
  }

  @Override
  public void stepFinished(StepFinished finished) {
    Span span = attempts.remove(AttemptKey.of(finished.attempt()));
    if (span == null) {
      return;
    }
    span.setAttribute(STEP_OUTCOME, finished.outcome().tag());
    if (finished.outcome() != StepOutcome.SUCCEEDED) {
      span.setStatus(StatusCode.ERROR, Objects.toString(finished.error(), finished.outcome().tag()));
    }
    span.end();
  }

  @Override
  public void retryScheduled(RetryScheduled retry) {
    StepAttempt a = retry.attempt();
    event(a.run(), RETRY_EVENT, Attributes.of(STEP_NAME, a.step(), STEP_ATTEMPT, (long) a.attempt(), BACKEND_NAME,
        a.backend(), RETRY_DELAY, seconds(retry.delay())));
  }

  @Override
  public void leaseTakenOver(LeaseTakeover takeover) {
    Span run = runs.get(takeover.run().id());
    if (run != null) {
      run.setAttribute(PREVIOUS_OWNER, takeover.previousOwner());
      run.addEvent(TAKEOVER_EVENT, Attributes.of(PREVIOUS_OWNER, takeover.previousOwner()));
    }
  }

  @Override
  public void backendPermitWaited(PermitWait wait) {
    event(wait.run(), PERMIT_WAIT_EVENT, Attributes.of(STEP_NAME, wait.step(), BACKEND_NAME, wait.backend(),
        PERMIT_WAIT, seconds(wait.waited())));
  }

  private void event(RunInfo run, String name, Attributes attributes) {
    Span span = runs.get(run.id());
    if (span != null) {
      span.addEvent(name, attributes);
    }
  }

  private static Attributes runAttributes(RunInfo run) {
    return Attributes.of(TENANT_ID, run.tenantId(), ENVIRONMENT_NAME, run.environment(), RUN_ID, run.id(), RUN_KIND,
        lower(run.kind()));
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
