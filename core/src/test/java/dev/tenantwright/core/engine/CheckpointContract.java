package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Step checkpoints on each store ({@link H2CheckpointTest}, {@link PostgresCheckpointTest}): what a step recorded
 * is there for its next attempt and for the engine that resumes the run after a crash, never for another step or
 * run, and an engine that lost the run can neither add nor overwrite one.
 */
abstract class CheckpointContract extends EngineContractSupport {

  /** What one call of the type does; each test sets its own. */
  @FunctionalInterface
  interface Script {
    String create(StepContext ctx) throws Exception;
  }

  record NoteSpec(@Nullable String value) {}

  record NoteOut(String seen) {}

  private volatile Script script = ctx -> "none";
  final List<String> seen = new CopyOnWriteArrayList<>();

  CheckpointContract(Fixture fixture) {
    super(fixture);
  }

  @Override
  protected Tenantwright.Builder wire(Tenantwright.Builder b) {
    return b.resourceType(new NoteType());
  }

  static Blueprint notes() {
    return Blueprint.builder("notes")
        .resource("a", "note.sent", r -> r.param("value", "a"))
        .resource("b", "note.sent", r -> r.param("value", "b").needs("a"))
        .build();
  }

  @Test
  void aCheckpointIsSeenByTheNextAttemptOfItsStepAndByNoOtherStep() {
    script = ctx -> {
      seen.add(ctx.stepName() + "#" + ctx.attempt() + ":" + ctx.checkpoint("sent").orElse("-"));
      if (ctx.stepName().equals("a") && ctx.attempt() == 1) {
        ctx.checkpoint("sent", "<m-1@example.test>");
        throw new RetryableException("421 4.3.2 try again later");
      }
      return ctx.checkpoint("sent").orElse("-");
    };
    Tenantwright tw = open(notes());
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(seen).containsExactly("a#1:-", "a#2:<m-1@example.test>", "b#1:-");
    assertThat(checkpointRows(done.id())).containsExactly("a/sent=<m-1@example.test>@1");
  }

  @Test
  void aCheckpointIsReplacedWhenItsNameIsRecordedAgain() {
    script = ctx -> {
      ctx.checkpoint("phase", "committing");
      ctx.checkpoint("phase", "sent");
      return ctx.checkpoint("phase").orElseThrow();
    };
    Tenantwright tw = open(notes());
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(checkpointRows(done.id())).containsExactly("a/phase=sent@1", "b/phase=sent@1");
  }

  @Test
  void aCheckpointSurvivesAStoppedEngineAndIsSeenByTheEngineThatResumesTheRun() throws Exception {
    CountDownLatch recorded = new CountDownLatch(1);
    CountDownLatch hold = new CountDownLatch(1);
    AtomicInteger fresh = new AtomicInteger();
    script = ctx -> {
      Optional<String> before = ctx.checkpoint("sent");
      if (before.isPresent()) {
        return before.get();
      }
      fresh.incrementAndGet();
      ctx.checkpoint("sent", "<m-" + ctx.stepName() + "@example.test>");
      if (ctx.stepName().equals("a") && recorded.getCount() > 0) {
        recorded.countDown();
        hold.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);   // the engine stops here, like a crash
      }
      return "fresh";
    };
    Tenantwright first = open(notes());
    Tenant t = abc(first);
    Run run = first.environments().provision(t.id(), EnvironmentKind.DEMO);
    assertThat(recorded.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    first.close(Duration.ZERO);
    hold.countDown();

    Tenantwright second = open(notes());
    Run done = second.runs().get(run.id()).await(WAIT);

    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(second.environments().find(t.id(), "demo").orElseThrow().resource("a").outputs())
        .containsEntry("seen", "<m-a@example.test>");
    assertThat(fresh.get()).as("step a did its work once, step b once").isEqualTo(2);
  }

  @Test
  void anEngineThatLostTheRunCannotRecordOrOverwriteACheckpoint() throws Exception {
    CountDownLatch recorded = new CountDownLatch(1);
    CountDownLatch hold = new CountDownLatch(1);
    AtomicReference<RuntimeException> refused = new AtomicReference<>();
    CountDownLatch tried = new CountDownLatch(1);
    script = ctx -> {
      ctx.checkpoint("phase", "one");
      recorded.countDown();
      hold.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      try {
        ctx.checkpoint("phase", "two");
        ctx.checkpoint("other", "new");
      } catch (RuntimeException e) {
        refused.set(e);
        throw e;
      } finally {
        tried.countDown();
      }
      return "written";
    };
    Tenantwright tw = open(store().blueprint(notes()).leaseDuration(Duration.ofMinutes(2)));
    Run run = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO);
    assertThat(recorded.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    takeOver(run.id());
    hold.countDown();

    assertThat(tried.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(refused.get()).as("the stale engine's checkpoint is refused").isNotNull();
    assertThat(checkpointRows(run.id())).containsExactly("a/phase=one@1");
  }

  @Test
  void checkpointsGoWithTheirSteps() throws Exception {
    script = ctx -> {
      ctx.checkpoint("sent", "yes");
      return "done";
    };
    Tenantwright tw = open(notes());
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);
    assertThat(checkpointRows(done.id())).hasSize(2);

    try (Connection c = dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM tw_step WHERE run_id = ?")) {
      ps.setString(1, done.id());
      ps.executeUpdate();
    }
    assertThat(checkpointRows(done.id())).isEmpty();
  }

  /** Another engine claims the run, as a sweep after an expired lease would: a new owner and generation. */
  private void takeOver(String runId) throws Exception {
    try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
        "UPDATE tw_run SET owner = 'engine-b', lease_generation = lease_generation + 1, lease_until = ? WHERE id = ?")) {
      ps.setLong(1, System.currentTimeMillis() + Duration.ofMinutes(10).toMillis());
      ps.setString(2, runId);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  /** The run's checkpoints as {@code step/name=value@attempt}, in step and name order. */
  private List<String> checkpointRows(String runId) {
    List<String> rows = new ArrayList<>();
    try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT step, name, content, attempt FROM tw_step_checkpoint WHERE run_id = ? ORDER BY step, name")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getString(1) + "/" + rs.getString(2) + "=" + rs.getString(3) + "@" + rs.getInt(4));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }

  /** A type whose every create runs the test's script and reports what it returned. */
  private final class NoteType implements ResourceType<NoteSpec, NoteOut> {
    @Override
    public String type() {
      return "note.sent";
    }

    @Override
    public Class<NoteSpec> specType() {
      return NoteSpec.class;
    }

    @Override
    public Class<NoteOut> outputType() {
      return NoteOut.class;
    }

    @Override
    public CreateResult<NoteOut> create(NoteSpec spec, StepContext ctx) {
      try {
        return CreateResult.created(new NoteOut(script.create(ctx)));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public Optional<NoteOut> read(NoteSpec spec, NoteOut outputs, StepContext ctx) {
      return Optional.ofNullable(outputs);
    }

    @Override
    public void delete(NoteSpec spec, NoteOut outputs, StepContext ctx) {}
  }
}
