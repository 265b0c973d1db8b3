package dev.tenantwright.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** The conformance kit passes a correct resource type and fails each deliberately broken one with a useful message. */
class ConformanceKitTest {

  /** The kit applied to a toy type with a given bug. */
  // CONFORMANCE-BEGIN
  abstract static class Toy extends ResourceTypeConformance<ToyBackend.ToySpec, ToyBackend.ToyOut> {
    final ToyBackend backend;

    Toy(ToyBackend.Bug bug) {
      this.backend = new ToyBackend(bug);
    }

    @Override
    protected ResourceType<ToyBackend.ToySpec, ToyBackend.ToyOut> type() {
      return backend.type();
    }

    @Override
    protected Map<String, Object> params() {
      return Map.of("size", "small", "password", "${secrets.conformance}");
    }

    @Override
    protected Map<String, Object> updatedParams() {
      return Map.of("size", "large", "password", "${secrets.conformance}");
    }

    @Override
    protected Collection<String> liveObjects() {
      return backend.live();
    }

    @Override
    protected void onBackendCall(IntConsumer listener) {
      backend.afterEachCall(listener);
    }

    @Override
    protected void plantOwnedObject(String resourceName, String marker) {
      backend.objects.put(resourceName, new ToyBackend.Obj(resourceName, marker, "old"));
    }

    @Override
    protected void plantForeignObject(String resourceName) {
      backend.objects.put(resourceName, new ToyBackend.Obj(resourceName, "someone-else", "theirs"));
    }

    @Override
    protected void deleteOutOfBand(String resourceName) {
      backend.objects.remove(resourceName);
    }

    @Override
    protected String editOutOfBand(String resourceName) {
      backend.objects.computeIfPresent(resourceName, (name, o) -> new ToyBackend.Obj(name, o.marker(), "huge"));
      return "size";
    }

    @Override
    protected List<ErrorCase> errorCases() {
      return List.of(
          new ErrorCase("503 on create", () -> backend.failNext(new RetryableException("503")), true),
          new ErrorCase("400 on create", () -> backend.failNext(new PermanentException("400 bad size")), false));
    }
  }
  // CONFORMANCE-END

  static final class Correct extends Toy {
    Correct() {
      super(ToyBackend.Bug.NONE);
    }
  }

  static final class ReadsUndeclaredConfig extends Toy {
    ReadsUndeclaredConfig() {
      super(ToyBackend.Bug.READS_UNDECLARED_CONFIG);
    }
  }

  static final class CreatesTwice extends Toy {
    CreatesTwice() {
      super(ToyBackend.Bug.CREATES_TWICE);
    }
  }

  static final class DeletesAdopted extends Toy {
    DeletesAdopted() {
      super(ToyBackend.Bug.CLAIMS_ADOPTED_AS_CREATED);
    }
  }

  static final class LogsSecret extends Toy {
    LogsSecret() {
      super(ToyBackend.Bug.LOGS_SECRET);
    }
  }

  static final class LeavesObjectOnRollback extends Toy {
    LeavesObjectOnRollback() {
      super(ToyBackend.Bug.DELETE_IS_A_NO_OP);
    }
  }

  static final class VolatileOutputs extends Toy {
    VolatileOutputs() {
      super(ToyBackend.Bug.VOLATILE_OUTPUT);
    }
  }

  static final class ReadEchoesOutputs extends Toy {
    ReadEchoesOutputs() {
      super(ToyBackend.Bug.READ_ECHOES_OUTPUTS);
    }
  }

  /** A correct type whose test implements none of the optional drift hooks. */
  static final class WithoutDriftHooks extends ResourceTypeConformance<ToyBackend.ToySpec, ToyBackend.ToyOut> {
    final Correct toy = new Correct();

    @Override
    protected ResourceType<ToyBackend.ToySpec, ToyBackend.ToyOut> type() {
      return toy.type();
    }

    @Override
    protected Map<String, Object> params() {
      return toy.params();
    }

    @Override
    protected Collection<String> liveObjects() {
      return toy.liveObjects();
    }

    @Override
    protected void onBackendCall(IntConsumer listener) {
      toy.onBackendCall(listener);
    }

    @Override
    protected void plantOwnedObject(String resourceName, String marker) {
      toy.plantOwnedObject(resourceName, marker);
    }

    @Override
    protected void plantForeignObject(String resourceName) {
      toy.plantForeignObject(resourceName);
    }
  }

  private static Events run(Class<?> kit) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(kit)).execute().testEvents();
  }

  private static String failureOf(Events events, String test) {
    List<Event> failed = events.failed().stream().filter(e -> e.getTestDescriptor().getDisplayName().startsWith(test)).toList();
    assertThat(failed).as("expected check %s to fail", test).hasSize(1);
    return failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow().getMessage();
  }

  @Test
  void passesACorrectResourceType() {
    Events events = run(Correct.class);
    assertThat(events.failed().list()).as(() -> events.failed().list().toString()).isEmpty();
    assertThat(events.succeeded().count()).isEqualTo(16);
  }

  @Test
  void skipsTheOutOfBandChecksOfATestWithoutTheirHooksAndRunsTheRest() {
    Events events = run(WithoutDriftHooks.class);
    assertThat(events.failed().list()).as(() -> events.failed().list().toString()).isEmpty();
    // skipped too: the update and error checks, which this test declares nothing for
    assertThat(events.aborted().list()).extracting(e -> e.getTestDescriptor().getDisplayName())
        .contains("anObjectDeletedOutOfBandIsReportedGoneAndRepairRecreatesIt()",
            "aFieldEditedOutOfBandIsReportedChangedByName()");
    assertThat(events.succeeded().list()).extracting(e -> e.getTestDescriptor().getDisplayName())
        .contains("aRefreshRightAfterProvisioningIsInSync()");
  }

  @Test
  void failsATypeWithVolatileOutputsAndNamesTheFieldToMarkOrDrop() {
    Events events = run(VolatileOutputs.class);
    assertThat(failureOf(events, "aRefreshRightAfterProvisioningIsInSync")).contains("CHANGED in [seenAt]")
        .contains("mark such a component @Observed").contains("drop it");
  }

  @Test
  void failsATypeWhoseReadEchoesTheRecordedOutputsAndSaysToAskTheBackend() {
    Events events = run(ReadEchoesOutputs.class);
    assertThat(failureOf(events, "anObjectDeletedOutOfBandIsReportedGoneAndRepairRecreatesIt"))
        .contains("must report it GONE").contains("never echo the recorded outputs");
    assertThat(failureOf(events, "aFieldEditedOutOfBandIsReportedChangedByName")).contains("'size'")
        .contains("must report it CHANGED");
  }

  @Test
  void failsATypeThatReadsConfigurationItDoesNotDeclareAndSaysToDeclareIt() {
    Events events = run(ReadsUndeclaredConfig.class);
    assertThat(failureOf(events, "theConfigurationItReadsIsTheRecordItDeclares")).contains("configType()")
        .contains("ToyConfig");
  }

  @Test
  void failsATypeThatCreatesTwiceAndSaysToLookTheObjectUpFirst() {
    Events events = run(CreatesTwice.class);
    assertThat(failureOf(events, "createTwiceConvergesToOneObject")).contains("look the object up first");
  }

  @Test
  void failsATypeThatWouldDeleteAnAdoptedObject() {
    Events events = run(DeletesAdopted.class);
    assertThat(failureOf(events, "rollbackNeverDeletesAnAdoptedObject")).contains("must be ADOPTED");
  }

  @Test
  void failsATypeThatLogsASecret() {
    Events events = run(LogsSecret.class);
    assertThat(failureOf(events, "noGeneratedSecretAppearsInLogsEventsOrTheJournal")).contains("log line");
  }

  @Test
  void failsATypeThatLeavesAnObjectBehindOnRollback() {
    Events events = run(LeavesObjectOnRollback.class);
    assertThat(failureOf(events, "rollbackLeavesNothingBehind")).contains("rollback must delete what the type created");
  }
}
