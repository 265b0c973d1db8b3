package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.EngineObserver;
import dev.tenantwright.core.EngineObserver.PermitWait;
import dev.tenantwright.core.EngineObserver.RetryScheduled;
import dev.tenantwright.core.EngineObserver.RunFinished;
import dev.tenantwright.core.EngineObserver.RunOutcome;
import dev.tenantwright.core.EngineObserver.RunStarted;
import dev.tenantwright.core.EngineObserver.StepAttempt;
import dev.tenantwright.core.EngineObserver.StepFinished;
import dev.tenantwright.core.EngineObserver.StepOutcome;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.engine.MemoryBackend.Phase;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What an {@link EngineObserver} is told, and that nothing it does reaches a run. */
class EngineObserverTest extends EngineContractSupport {

  EngineObserverTest() {
    super(new H2());
  }

  /** Everything an observer is told, in the order it was told. */
  static final class Recorder implements EngineObserver {
    final List<Object> seen = new CopyOnWriteArrayList<>();

    @Override
    public void runStarted(RunStarted run) {
      seen.add(run);
    }

    @Override
    public void runFinished(RunFinished run) {
      seen.add(run);
    }

    @Override
    public void stepStarted(StepAttempt attempt) {
      seen.add(attempt);
    }

    @Override
    public void stepFinished(StepFinished step) {
      seen.add(step);
    }

    @Override
    public void retryScheduled(RetryScheduled retry) {
      seen.add(retry);
    }

    @Override
    public void leaseTakenOver(LeaseTakeover takeover) {
      seen.add(takeover);
    }

    @Override
    public void backendPermitWaited(PermitWait wait) {
      seen.add(wait);
    }

    <T> List<T> of(Class<T> type) {
      return seen.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<StepFinished> finished(String step) {
      return of(StepFinished.class).stream().filter(f -> f.attempt().step().equals(step)).toList();
    }
  }

  final Recorder recorder = new Recorder();

  Tenantwright openObserved(Tenantwright.Builder b) {
    return open(b.observer(recorder));
  }

  @Test
  void aSuccessfulRunIsSeenFromItsStartThroughEveryStepAttemptToItsEnd() {
    Tenantwright tw = openObserved(store().blueprint(EngineContract.chain()));
    Tenant t = abc(tw);
    Run done = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    EngineObserver.RunInfo info = new EngineObserver.RunInfo(done.id(), t.id(), "demo", RunKind.PROVISION);
    assertThat(recorder.seen.get(0)).isEqualTo(new RunStarted(info, 4, false));
    RunFinished end = (RunFinished) recorder.seen.get(recorder.seen.size() - 1);
    assertThat(end.run()).isEqualTo(info);
    assertThat(end.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
    assertThat(end.error()).isNull();
    assertThat(end.duration()).isPositive();
    assertThat(recorder.of(StepAttempt.class))
        .containsExactlyInAnyOrder(
            new StepAttempt(info, "a", "mem.object", "mem", StepAction.CREATE, false, 1),
            new StepAttempt(info, "b", "mem.object", "mem", StepAction.CREATE, false, 1),
            new StepAttempt(info, "c", "mem.object", "mem", StepAction.CREATE, false, 1),
            new StepAttempt(info, "d", "mem.object", "mem", StepAction.CREATE, false, 1));
    assertThat(recorder.of(StepFinished.class)).hasSize(4).allSatisfy(f -> {
      assertThat(f.outcome()).isEqualTo(StepOutcome.SUCCEEDED);
      assertThat(f.error()).isNull();
      assertThat(recorder.seen.indexOf(f.attempt())).isLessThan(recorder.seen.indexOf(f));
    });
    assertThat(recorder.of(StepAttempt.class)).extracting(StepAttempt::actionName).containsOnly("create");
    assertThat(recorder.of(RetryScheduled.class)).isEmpty();
    assertThat(recorder.of(PermitWait.class)).as("the mem backend has no limits").isEmpty();
  }

  @Test
  void aRetryIsSeenAsAFailedAttemptAScheduledRetryAndTheNextAttempt() {
    backend.fail("a", "create", Phase.BEFORE, 1,
        () -> RetryableException.rateLimited("mem: slow down", Duration.ofMillis(120)));
    backend.fail("d", "create", Phase.AFTER, 1, () -> new RetryableException("mem: connection reset"));
    Tenantwright tw = openObserved(store().blueprint(EngineContract.chain()));
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(recorder.finished("a")).extracting(f -> f.attempt().attempt(), StepFinished::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, StepOutcome.RETRYABLE_FAILURE),
            org.assertj.core.groups.Tuple.tuple(2, StepOutcome.SUCCEEDED));
    assertThat(recorder.finished("a").get(0).error()).contains("slow down");
    assertThat(recorder.finished("d")).extracting(StepFinished::outcome)
        .as("an answer that never came leaves the attempt in doubt")
        .containsExactly(StepOutcome.IN_DOUBT, StepOutcome.SUCCEEDED);
    List<RetryScheduled> retries = recorder.of(RetryScheduled.class);
    assertThat(retries).extracting(r -> r.attempt().step()).containsExactlyInAnyOrder("a", "d");
    RetryScheduled a = retries.stream().filter(r -> r.attempt().step().equals("a")).findFirst().orElseThrow();
    assertThat(a.attempt().backend()).isEqualTo("mem");
    assertThat(a.delay()).as("Retry-After is honoured").isGreaterThanOrEqualTo(Duration.ofMillis(120));
    assertThat(recorder.seen.indexOf(recorder.finished("a").get(0))).isLessThan(recorder.seen.indexOf(a));
  }

  @Test
  void aPermanentFailureIsSeenWithTheRollbackAsCompensationAttempts() {
    backend.fail("c", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: quota exceeded"));
    Tenantwright tw = openObserved(store().blueprint(EngineContract.chain()));
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(recorder.finished("c")).singleElement().satisfies(f -> {
      assertThat(f.outcome()).isEqualTo(StepOutcome.PERMANENT_FAILURE);
      assertThat(f.error()).contains("quota exceeded");
    });
    List<StepFinished> undone = recorder.of(StepFinished.class).stream().filter(f -> f.attempt().compensation())
        .toList();
    // d depends on nothing: whether it ran before c failed is a race (a step not started by then never starts),
    // so every step that was created is undone, and nothing else
    List<String> created = recorder.of(StepFinished.class).stream()
        .filter(f -> !f.attempt().compensation() && f.outcome() == StepOutcome.SUCCEEDED)
        .map(f -> f.attempt().step()).toList();
    assertThat(created).contains("a", "b");
    assertThat(undone).extracting(f -> f.attempt().step()).containsExactlyInAnyOrderElementsOf(created);
    assertThat(undone).allSatisfy(f -> {
      assertThat(f.outcome()).isEqualTo(StepOutcome.SUCCEEDED);
      assertThat(f.attempt().actionName()).isEqualTo("compensate");
      assertThat(f.attempt().action()).isEqualTo(StepAction.CREATE);
    });
    List<String> undoOrder = undone.stream().map(f -> f.attempt().step()).toList();
    assertThat(undoOrder.indexOf("b")).as("b is undone before a, which it depends on")
        .isLessThan(undoOrder.indexOf("a"));
    RunFinished end = recorder.of(RunFinished.class).get(0);
    assertThat(end.outcome()).isEqualTo(RunOutcome.ROLLED_BACK);
    assertThat(end.error()).contains("quota exceeded");
    assertThat(recorder.seen.get(recorder.seen.size() - 1)).isSameAs(end);
  }

  @Test
  void anObserverThatThrowsNeitherFailsTheRunNorSilencesTheNextObserverAndIsLoggedOnce() {
    Logger log = (Logger) LoggerFactory.getLogger("dev.tenantwright.core.internal.engine.Observers");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    log.addAppender(logs);
    try {
      EngineObserver broken = new EngineObserver() {
        @Override
        public void runStarted(RunStarted run) {
          throw new IllegalStateException("observer bug");
        }

        @Override
        public void stepStarted(StepAttempt attempt) {
          throw new IllegalStateException("observer bug");
        }

        @Override
        public Map<String, String> traceHeaders(StepAttempt attempt) {
          throw new IllegalStateException("observer bug");
        }

        @Override
        public void stepFinished(StepFinished step) {
          throw new IllegalStateException("observer bug");
        }

        @Override
        public void runFinished(RunFinished run) {
          throw new IllegalStateException("observer bug");
        }
      };
      Tenantwright tw = open(store().blueprint(EngineContract.chain()).observer(broken).observer(recorder));
      Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

      assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(recorder.of(StepFinished.class)).hasSize(4);
      assertThat(recorder.of(RunFinished.class)).extracting(RunFinished::outcome).containsExactly(RunOutcome.SUCCEEDED);
      assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).contains("failed"));
    } finally {
      log.detachAppender(logs);
    }
  }

  @Test
  void aRunStoppedByItsEngineIsSeenStoppedThereAndResumedByTheNext() throws Exception {
    CountDownLatch hold = backend.blockAfter("b", "create");
    Tenantwright first = openObserved(store().blueprint(EngineContract.chain()));
    Run run = first.environments().provision(abc(first).id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("b", "create");
    first.close(Duration.ZERO);
    hold.countDown();
    backend.clearBlocks();
    assertThat(recorder.of(RunFinished.class)).singleElement().satisfies(f -> {
      assertThat(f.outcome()).isEqualTo(RunOutcome.STOPPED);
      assertThat(f.error()).isNotBlank();
    });

    Recorder next = new Recorder();
    Tenantwright second = open(store().blueprint(EngineContract.chain()).observer(next));
    Run done = second.runs().get(run.id()).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(next.of(RunStarted.class)).singleElement().satisfies(s -> {
      assertThat(s.resumed()).isTrue();
      assertThat(s.run().id()).isEqualTo(run.id());
    });
    assertThat(next.of(EngineObserver.LeaseTakeover.class)).as("the closed engine handed its run back").isEmpty();
    assertThat(next.of(RunFinished.class)).extracting(RunFinished::outcome).containsExactly(RunOutcome.SUCCEEDED);
  }

  @Test
  void aStepWaitingForItsBackendsLimitIsSeenWaiting() {
    Blueprint wide = Blueprint.builder("wide")
        .resource("w1", "mem.object", r -> r.param("value", "1"))
        .resource("w2", "mem.object", r -> r.param("value", "2"))
        .resource("w3", "mem.object", r -> r.param("value", "3"))
        .build();
    backend.createLatency = Duration.ofMillis(100);
    Tenantwright tw = openObserved(store().blueprint(wide).backendConcurrency("mem", 1));
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    List<PermitWait> waits = recorder.of(PermitWait.class);
    assertThat(waits).extracting(PermitWait::step).containsExactlyInAnyOrder("w1", "w2", "w3");
    assertThat(waits).extracting(PermitWait::backend).containsOnly("mem");
    assertThat(waits).as("with one permit, the last of three waits for the two before it")
        .anySatisfy(w -> assertThat(w.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(150)));
    for (PermitWait w : waits) {
      StepAttempt attempt = recorder.of(StepAttempt.class).stream().filter(a -> a.step().equals(w.step()))
          .findFirst().orElseThrow();
      assertThat(recorder.seen.indexOf(w)).isLessThan(recorder.seen.indexOf(attempt));
    }
  }

  /** A type that shows what its context carries: the trace headers, and a process started through it. */
  static final class TracedType implements ResourceType<MemoryBackend.MemSpec, MemoryBackend.MemOut> {
    final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();

    @Override
    public String type() {
      return "traced.object";
    }

    @Override
    public Class<MemoryBackend.MemSpec> specType() {
      return MemoryBackend.MemSpec.class;
    }

    @Override
    public Class<MemoryBackend.MemOut> outputType() {
      return MemoryBackend.MemOut.class;
    }

    @Override
    public CreateResult<MemoryBackend.MemOut> create(MemoryBackend.MemSpec spec, StepContext ctx) {
      headers.add(ctx.traceHeaders());
      ctx.commands().run(Command.builder("tool", "deploy", ctx.resourceName()).build());
      ctx.commands().run(Command.builder("tool", "status").env("TRACESTATE", "mine=1").build());
      return CreateResult.created(new MemoryBackend.MemOut(ctx.resourceName(), spec.value(), null));
    }

    @Override
    public Optional<MemoryBackend.MemOut> read(MemoryBackend.MemSpec spec, MemoryBackend.MemOut outputs,
        StepContext ctx) {
      return Optional.empty();
    }

    @Override
    public void delete(MemoryBackend.MemSpec spec, MemoryBackend.MemOut outputs, StepContext ctx) {}
  }

  static Blueprint traced() {
    return Blueprint.builder("traced").resource("t", "traced.object", r -> r.param("value", "x")).build();
  }

  @Test
  void theTraceHeadersAnObserverGivesReachTheStepAndItsCommandsEnvironmentButNeverArgv() {
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    EngineObserver tracing = new EngineObserver() {
      @Override
      public Map<String, String> traceHeaders(StepAttempt attempt) {
        return Map.of("traceparent", traceparent, "tracestate", "tw=" + attempt.step());
      }
    };
    TracedType type = new TracedType();
    List<Command> commands = new CopyOnWriteArrayList<>();
    Tenantwright tw = open(store().blueprint(traced()).resourceType(type).observer(tracing).commandRunner(c -> {
      commands.add(c);
      return new CommandResult(c.redactedArgv(), 0, "", "", Duration.ZERO);
    }));
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(type.headers).containsExactly(Map.of("traceparent", traceparent, "tracestate", "tw=t"));
    assertThat(commands).hasSize(2);
    assertThat(commands.get(0).environment()).containsEntry("TRACEPARENT", traceparent)
        .containsEntry("TRACESTATE", "tw=t");
    assertThat(commands.get(1).environment()).as("a variable the plugin set itself is kept")
        .containsEntry("TRACEPARENT", traceparent).containsEntry("TRACESTATE", "mine=1");
    assertThat(commands).allSatisfy(c -> assertThat(String.join(" ", c.argv())).doesNotContain(traceparent));
  }

  @Test
  void withoutATracingObserverAStepHasNoTraceHeadersAndItsCommandsNoTraceVariables() {
    TracedType type = new TracedType();
    List<Command> commands = new CopyOnWriteArrayList<>();
    Tenantwright tw = open(store().blueprint(traced()).resourceType(type).observer(recorder).commandRunner(c -> {
      commands.add(c);
      return new CommandResult(c.redactedArgv(), 0, "", "", Duration.ZERO);
    }));
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(type.headers).containsExactly(Map.of());
    assertThat(commands.get(0).environment()).doesNotContainKeys("TRACEPARENT", "TRACESTATE");
  }
}
