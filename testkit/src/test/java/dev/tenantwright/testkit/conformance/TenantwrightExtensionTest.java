package dev.tenantwright.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.TenantwrightExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** The host-app extension gives a working instance on either store and catches leaked objects. */
class TenantwrightExtensionTest {

  static final Blueprint BOXES = Blueprint.builder("boxes")
      .resource("box", "toy.box", r -> r.param("size", "small"))
      .build();

  static Run provisionDemo(Tenantwright tw) {
    Tenant t = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
    return tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(Duration.ofSeconds(30));
  }

  /** A host test on H2 that provisions and leaves clean-up to the extension. */
  static final class OnH2 {
    // EXTENSION-BEGIN
    static final ToyBackend BACKEND = new ToyBackend(ToyBackend.Bug.NONE);

    @RegisterExtension
    static final TenantwrightExtension TW = TenantwrightExtension.onH2()
        .with(b -> b.blueprint(BOXES).resourceType(BACKEND.type()))
        .leakCheck("toy", BACKEND::live);

    @Test
    void provisions(Tenantwright tw) {
      assertThat(provisionDemo(tw).state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(BACKEND.live()).hasSize(1);
    }
    // EXTENSION-END
  }

  /** The same on PostgreSQL. */
  static final class OnPostgres {
    static final ToyBackend BACKEND = new ToyBackend(ToyBackend.Bug.NONE);

    @RegisterExtension
    static final TenantwrightExtension TW = TenantwrightExtension.onPostgres()
        .with(b -> b.blueprint(BOXES).resourceType(BACKEND.type()))
        .leakCheck("toy", BACKEND::live);

    @Test
    void provisions() {
      assertThat(provisionDemo(TW.get()).state()).isEqualTo(RunState.SUCCEEDED);
    }
  }

  /** A backend whose delete does nothing: the extension must report the leak. */
  static final class Leaky {
    static final ToyBackend BACKEND = new ToyBackend(ToyBackend.Bug.DELETE_IS_A_NO_OP);

    @RegisterExtension
    static final TenantwrightExtension TW = TenantwrightExtension.onH2()
        .with(b -> b.blueprint(BOXES).resourceType(BACKEND.type()))
        .leakCheck("toy", BACKEND::live);

    @Test
    void provisions(Tenantwright tw) {
      provisionDemo(tw);
    }
  }

  private static Events run(Class<?> c) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(c)).execute().testEvents();
  }

  @Test
  void theReadmeShowsTheCompiledExamples() throws Exception {
    dev.tenantwright.testkit.ReadmeSnippets.assertShows(java.nio.file.Path.of("README.md"), "## JUnit extension",
        java.nio.file.Path.of("src/test/java/dev/tenantwright/testkit/conformance/TenantwrightExtensionTest.java"),
        "EXTENSION");
    dev.tenantwright.testkit.ReadmeSnippets.assertShows(java.nio.file.Path.of("README.md"), "## Conformance kit",
        java.nio.file.Path.of("src/test/java/dev/tenantwright/testkit/conformance/ConformanceKitTest.java"),
        "CONFORMANCE");
  }

  @Test
  void givesEachTestAnInstanceOnH2AndCleansUpAfterIt() {
    Events events = run(OnH2.class);
    assertThat(events.failed().count()).as(() -> events.failed().list().toString()).isZero();
    assertThat(events.succeeded().count()).isEqualTo(1);
    assertThat(OnH2.BACKEND.live()).as("the extension destroyed the environment after the test").isEmpty();
  }

  @Test
  void worksOnARealPostgresql() {
    Events events = run(OnPostgres.class);
    assertThat(events.failed().count()).as(() -> events.failed().list().toString()).isZero();
    assertThat(OnPostgres.BACKEND.live()).isEmpty();
  }

  @Test
  void failsATestThatLeavesAnObjectInAFake() {
    Events events = run(Leaky.class);
    List<Event> failed = events.failed().list();
    assertThat(failed).hasSize(1);
    String message = failed.get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
        .getMessage();
    assertThat(message).contains("leak check failed").contains("fake 'toy' still holds 1 object");
  }
}
