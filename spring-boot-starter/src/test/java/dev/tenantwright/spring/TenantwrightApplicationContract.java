package dev.tenantwright.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.PlanLimits;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.TenantwrightConfig;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spring.demo.DemoApplication;
import dev.tenantwright.spring.demo.DemoSiteType;
import dev.tenantwright.spring.demo.RecordedEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The demo application on one database: {@link TenantwrightH2ApplicationTest} (the application's H2 from
 * {@code spring.datasource.url}) and {@link TenantwrightPostgresApplicationTest} (a real PostgreSQL as the
 * application's DataSource bean) run it. The first tests share the {@code @SpringBootTest} application; the shutdown
 * tests start applications of their own on a journal no other test uses, so that they can close them.
 */
abstract class TenantwrightApplicationContract {

  static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired
  Tenantwright tenantwright;

  @Autowired
  DemoSiteType sites;

  @Autowired
  AtomicReference<TenantwrightConfig> builtFrom;

  @Autowired
  DataSource dataSource;

  @LocalServerPort
  int port;

  /** Properties and sources that put an application's journal on a database of its own, the same on every call. */
  abstract static class Journal {
    abstract Map<String, Object> properties();

    Class<?>[] sources() {
      return new Class<?>[] {DemoApplication.class};
    }
  }

  /** A journal no other test uses. */
  abstract Journal newJournal() throws Exception;

  private static SpringApplicationBuilder application(Journal journal) {
    return new SpringApplicationBuilder(journal.sources()).web(WebApplicationType.NONE)
        .properties(journal.properties());
  }

  @Test
  void provisionsATenantsDemoWithTheApplicationsResourceType() {
    Tenant t = tenantwright.tenants().create(NewTenant.company("Acme Bakery").email("ops@bakery.example"));

    Run run = tenantwright.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    Environment demo = tenantwright.environments().find(t.id(), "demo").orElseThrow();
    assertThat(demo.state()).isEqualTo(EnvironmentState.READY);
    assertThat(demo.blueprint()).as("tenantwright.default-blueprint").isEqualTo("demo-site");
    Map<String, Object> site = demo.resource("site").outputs();
    assertThat(site).containsEntry("title", "Welcome to Acme Bakery");
    int sitePort = URI.create((String) site.get("url")).getPort();
    assertThat(sitePort).as("tenantwright.port-range").isBetween(24000, 24099);
    assertThat(sites.sites).containsKey(t.id() + "--demo--site");
  }

  @Test
  void actuatorHealthShowsTheTenantwrightComponentUpWithItsRunCounts() throws Exception {
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode component = new ObjectMapper().readTree(answer.body()).path("components").path("tenantwright");
    assertThat(component.path("status").asText()).isEqualTo("UP");
    assertThat(component.path("details").path("runsAwaitingTakeover").isInt()).isTrue();
    assertThat(component.path("details").path("runsAwaitingTakeover").asInt()).isZero();
    assertThat(component.path("details").path("runsNeedingAttention").asInt()).isZero();
  }

  @Test
  void theApplicationYamlAndTheApplicationsBeansReachTheBuilder() {
    TenantwrightConfig config = builtFrom.get();

    assertThat(config.dataSource()).as("the journal is the application's DataSource").isSameAs(dataSource);
    assertThat(config.blueprintDirs()).containsExactly(Path.of("src/test/resources/blueprints"));
    assertThat(config.defaultBlueprint()).isEqualTo("demo-site");
    assertThat(config.owner()).isEqualTo("demo-node");
    assertThat(config.maxParallelSteps()).isEqualTo(4);
    assertThat(config.stepTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.backoffBase()).isEqualTo(Duration.ofMillis(10));
    assertThat(config.backoffCap()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.classpathPlugins()).isFalse();
    assertThat(config.planLimits()).containsEntry("starter", PlanLimits.unlimited().maxTestInstances(1));
    assertThat(config.resourceTypes()).contains(sites);
    assertThat(config.listeners()).hasAtLeastOneElementOfType(RecordedEvents.class);
    assertThat(config.policies()).hasSize(1);
    assertThat(tenantwright.blueprints()).containsExactlyInAnyOrder("demo-site", "bean-blueprint", "customized");
  }

  @Test
  void theJournalLivesInTheApplicationsDataSource() throws Exception {
    Tenant t = tenantwright.tenants().create(NewTenant.company("Journal Check").email("ops@journal.example"));

    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT display_name FROM tw_tenant WHERE id = '" + t.id() + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("Journal Check");
    }
  }

  @Test
  void aPolicyBeanRefusesARunBeforeAnythingHappens() {
    Tenant t = tenantwright.tenants().create(NewTenant.company("Ice Age").email("ops@ice.example")
        .attribute("frozen", "yes"));

    assertThatThrownBy(() -> tenantwright.environments().provision(t.id(), EnvironmentKind.DEMO))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("frozen");
    assertThat(sites.sites).doesNotContainKey(t.id() + "--demo--site");
  }

  @Test
  void closingTheApplicationStopsItsWebServerThenLetsTheRunInFlightFinishWithinTheDrain() throws Exception {
    ConfigurableApplicationContext app = application(newJournal()).web(WebApplicationType.SERVLET)
        .properties("server.port=0").run();
    int webPort = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    Tenantwright tw = app.getBean(Tenantwright.class);
    DemoSiteType held = app.getBean(DemoSiteType.class);
    RecordedEvents recorded = app.getBean(RecordedEvents.class);
    CountDownLatch gate = held.hold();
    Tenant t = tw.tenants().create(NewTenant.company("Drain Works").email("ops@drain.example"));
    Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO);
    held.awaitHeld();
    // The site is let go only once the application is closing and its web server refuses connections: the run can
    // finish only if the engine drains after the server stopped (closing the engine first would abandon the run).
    AtomicBoolean serverStoppedFirst = new AtomicBoolean();
    app.addApplicationListener((ApplicationListener<ContextClosedEvent>) e -> openWhenRefused(webPort, gate,
        serverStoppedFirst));

    long started = System.nanoTime();
    app.close();
    Duration closing = Duration.ofNanos(System.nanoTime() - started);

    assertThat(serverStoppedFirst).as("the web server stopped while the run was still in flight").isTrue();
    assertThat(recorded.succeeded(run.id())).as("the run finished before the engine closed").isTrue();
    assertThat(closing).as("within tenantwright.shutdown.drain (10s)").isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aShortDrainLeavesTheRunInFlightForTheNextApplicationToResume() throws Exception {
    Journal journal = newJournal();
    ConfigurableApplicationContext first = application(journal).properties("tenantwright.shutdown.drain=100ms").run();
    Tenantwright tw = first.getBean(Tenantwright.class);
    DemoSiteType held = first.getBean(DemoSiteType.class);
    RecordedEvents recorded = first.getBean(RecordedEvents.class);
    CountDownLatch gate = held.hold();
    Tenant t = tw.tenants().create(NewTenant.company("Resume Works").email("ops@resume.example"));
    Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO);
    held.awaitHeld();

    first.close();
    gate.countDown();

    assertThat(recorded.succeeded(run.id())).as("abandoned, not finished").isFalse();
    try (ConfigurableApplicationContext second = application(journal).run()) {
      Tenantwright resumed = second.getBean(Tenantwright.class);
      assertThat(resumed.runs().get(run.id()).await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(resumed.environments().find(t.id(), "demo").orElseThrow().state()).isEqualTo(EnvironmentState.READY);
      assertThat(second.getBean(DemoSiteType.class).sites).containsKey(t.id() + "--demo--site");
    }
  }

  /** Opens {@code gate} once nothing accepts connections on {@code port} any more (or after 15 s, to end the test). */
  private static void openWhenRefused(int port, CountDownLatch gate, AtomicBoolean refused) {
    Thread opener = new Thread(() -> {
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      try {
        while (System.nanoTime() < deadline) {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            Thread.sleep(20);
          } catch (IOException e) {
            refused.set(true);
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        gate.countDown();
      }
    }, "gate-opener");
    opener.setDaemon(true);
    opener.start();
  }
}
