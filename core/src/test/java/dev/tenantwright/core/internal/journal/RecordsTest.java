package dev.tenantwright.core.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.core.internal.journal.Records.StepRecord;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.EnvironmentKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one guarded way states change: each transition refuses what its state machine does not allow. */
class RecordsTest {

  private static StepRecord pending() {
    return StepRecord.planned("r", "a", 0, StepAction.CREATE, "mem.object", null, 1);
  }

  @Test
  void aStepGoesForwardAndBackOnlyAlongItsStateMachine() {
    StepRecord running = pending().running(1, 100, 2);
    assertThat(running.state()).isEqualTo(StepState.RUNNING);
    StepRecord done = running.succeeded(Origin.CREATED, "{}", 3);
    assertThat(done.compensating().compensated(4).state()).isEqualTo(StepState.COMPENSATED);
    assertThatThrownBy(() -> done.failed("late", false, 5)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SUCCEEDED -> FAILED");
    assertThatThrownBy(() -> pending().succeeded(Origin.CREATED, "{}", 3))
        .hasMessageContaining("PENDING -> SUCCEEDED");
    assertThatThrownBy(() -> done.compensating().compensated(4).compensating())
        .hasMessageContaining("COMPENSATED -> COMPENSATING");
  }

  @Test
  void aStepWhoseSpecCannotBeResolvedFailsFromPending() {
    StepRecord failed = pending().failed("bad parameters", false, 2);
    assertThat(failed.state()).isEqualTo(StepState.FAILED);
    assertThat(failed.attempt()).isZero();
  }

  @Test
  void aRetryWhoseOutcomeIsUnknownIsInDoubtAndStaysSo() {
    StepRecord doubt = pending().running(1, 100, 2).retrying("reset after sending", true);
    assertThat(doubt.state()).isEqualTo(StepState.IN_DOUBT);
    StepRecord again = doubt.running(2, 100, 3).retrying("503", false);
    assertThat(again.state()).isEqualTo(StepState.RUNNING);
    assertThat(again.inDoubt()).as("a later clean failure does not clear the doubt").isTrue();
  }

  @Test
  void aFinishedRunNeverChangesAgain() {
    RunRecord run = new RunRecord("r", "t/demo", "t", RunKind.PROVISION, RunState.RUNNING, "k", "{}", 1, "e", 0L, 1, null,
        0, 0L, null, null, List.of());
    RunRecord done = run.moveTo(RunState.SUCCEEDED, null, 5);
    assertThat(done.finishedAt()).isEqualTo(5L);
    assertThatThrownBy(() -> done.moveTo(RunState.ROLLING_BACK, "x", 6)).hasMessageContaining("SUCCEEDED -> ROLLING_BACK");
  }

  @Test
  void anEnvironmentFollowsItsStateMachine() {
    EnvironmentRecord env = new EnvironmentRecord("t/demo", "t", "demo", EnvironmentKind.DEMO, EnvironmentState.READY,
        "bp", "{}", null, 0, 0, 0, 2);
    assertThat(env.moveTo(EnvironmentState.UPDATING, null, 1).moveTo(EnvironmentState.READY, null, 2).state())
        .isEqualTo(EnvironmentState.READY);
    assertThatThrownBy(() -> env.moveTo(EnvironmentState.PROVISIONING, null, 1))
        .hasMessageContaining("READY -> PROVISIONING");
    EnvironmentRecord failed = env.moveTo(EnvironmentState.DESTROYING, null, 1).moveTo(EnvironmentState.FAILED, "x", 2);
    assertThatThrownBy(() -> failed.moveTo(EnvironmentState.UPDATING, null, 3)).hasMessageContaining("FAILED -> UPDATING");
  }
}
