package dev.tenantwright.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.Multibinder;
import dev.tenantwright.spi.EnvironmentKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Guice module gives the same object the builder does, plus listeners bound in host modules. */
class TenantwrightModuleTest {

  @TempDir
  Path dir;

  @Test
  void injectsASingletonThatProvisionsAndReportsToBoundListeners() {
    List<Event> seen = new CopyOnWriteArrayList<>();
    Blueprint bp = Blueprint.builder("bp").resource("pw", "secret", r -> r.param("length", 16)).build();
    Injector injector = Guice.createInjector(
        new TenantwrightModule(Tenantwright.builder().embedded(dir).classpathPlugins(false).blueprint(bp).config()),
        new AbstractModule() {
          @Override
          protected void configure() {
            Multibinder.newSetBinder(binder(), Listener.class).addBinding().toInstance(seen::add);
          }
        });
    Tenantwright tw = injector.getInstance(Tenantwright.class);
    try {
      assertThat(injector.getInstance(Tenantwright.class)).isSameAs(tw);
      Tenant t = tw.tenants().create(NewTenant.company("Guice Ltd").email("ops@guice.example"));
      Run done = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(Duration.ofSeconds(30));
      assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(seen).extracting(Event::type).contains(EventType.TENANT_CREATED, EventType.RUN_SUCCEEDED);
    } finally {
      tw.close();
    }
  }

  @Test
  void aBlueprintProblemReachesTheHostAsItselfNotWrappedByGuice() {
    Blueprint broken = Blueprint.builder("bp").resource("pw", "no-such-type", r -> r.param("length", 16)).build();
    Injector injector = Guice.createInjector(new TenantwrightModule(
        Tenantwright.builder().embedded(dir).classpathPlugins(false).blueprint(broken).config()));

    assertThatThrownBy(() -> TenantwrightModule.tenantwright(injector)).isInstanceOf(BlueprintException.class)
        .hasMessageContaining("no-such-type");
  }

  @Test
  void observersBoundInAHostModuleSeeTheRuns() {
    List<String> runs = new CopyOnWriteArrayList<>();
    Blueprint bp = Blueprint.builder("bp").resource("pw", "secret", r -> r.param("length", 16)).build();
    Injector injector = Guice.createInjector(
        new TenantwrightModule(Tenantwright.builder().embedded(dir).classpathPlugins(false).blueprint(bp).config()),
        new AbstractModule() {
          @Override
          protected void configure() {
            Multibinder.newSetBinder(binder(), EngineObserver.class).addBinding().toInstance(new EngineObserver() {
              @Override
              public void runFinished(EngineObserver.RunFinished run) {
                runs.add(run.outcome().name());
              }
            });
          }
        });
    try (Tenantwright tw = TenantwrightModule.tenantwright(injector)) {
      Tenant t = tw.tenants().create(NewTenant.company("Observed Ltd").email("ops@observed.example"));
      tw.environments().provision(t.id(), EnvironmentKind.DEMO).awaitSuccess(Duration.ofSeconds(30));
      assertThat(runs).containsExactly("SUCCEEDED");
    }
  }
}
