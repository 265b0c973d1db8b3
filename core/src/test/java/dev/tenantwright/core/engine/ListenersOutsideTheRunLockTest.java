package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listeners are host code: they are called after the run's lock is released, in commit order. Before, they ran
 * while the run's lock was held, so a listener that waited for another thread acting on the same run (cancelling
 * it from a web request, say) waited forever for a lock its own thread held.
 */
class ListenersOutsideTheRunLockTest {

  final MemoryBackend backend = new MemoryBackend();

  @Test
  void aListenerThatWaitsForAnotherThreadToCancelTheRunDoesNotDeadlockAndSeesEventsInOrder(@TempDir Path dir)
      throws Exception {
    AtomicReference<Tenantwright> engine = new AtomicReference<>();
    AtomicBoolean cancelReturned = new AtomicBoolean();
    List<Event> seen = new CopyOnWriteArrayList<>();
    Blueprint chain = Blueprint.builder("chain")
        .resource("a", "mem.object", r -> r.param("value", "a"))
        .resource("b", "mem.object", r -> r.param("value", "${a.id}"))
        .resource("c", "mem.object", r -> r.param("value", "${b.id}"))
        .build();
    try (Tenantwright tw = Stores.h2(dir).resourceType(backend.type()).blueprint(chain).listener(e -> {
      seen.add(e);
      if (e.type() == EventType.STEP_SUCCEEDED && "a".equals(e.step())) {
        CompletableFuture<Run> cancel = CompletableFuture.supplyAsync(() -> engine.get().runs().get(e.runId()).cancel());
        try {
          cancel.get(20, TimeUnit.SECONDS);
          cancelReturned.set(true);
        } catch (Exception timedOut) {
          // the cancel waited for the run's lock, held by this listener's thread
        }
      }
    }).build()) {
      engine.set(tw);
      Tenant t = tw.tenants().create(NewTenant.company("Listener Corp").email("ops@listener.example"));
      Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO);

      Run done = run.await(Duration.ofMinutes(1));

      assertThat(cancelReturned).as("a cancel from another thread, awaited by a listener, returned").isTrue();
      assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
      List<EventType> types = seen.stream().filter(e -> run.id().equals(e.runId())).map(Event::type).toList();
      assertThat(types).as("the run's events, in the order they were committed")
          .startsWith(EventType.RUN_QUEUED, EventType.RUN_STARTED, EventType.STEP_STARTED, EventType.STEP_SUCCEEDED)
          .endsWith(EventType.RUN_ROLLED_BACK)
          .containsOnlyOnce(EventType.RUN_ROLLED_BACK);
      assertThat(types.indexOf(EventType.RUN_CANCELLING)).as("cancelling comes before the rollback")
          .isGreaterThan(types.indexOf(EventType.STEP_SUCCEEDED))
          .isLessThan(types.indexOf(EventType.RUN_ROLLED_BACK));
    }
  }
}
