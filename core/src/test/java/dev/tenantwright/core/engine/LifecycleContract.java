package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintChoice;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.EnvironmentStatus;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.PlanLimits;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.TenantState;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.engine.MemoryBackend.Phase;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The environment lifecycle rules — test instances, reset, promote, live protection, quotas, policies,
 * tenant lifecycle, retries, status and blueprint selection — on each store.
 */
abstract class LifecycleContract extends EngineContractSupport {

  LifecycleContract(Fixture fixture) {
    super(fixture);
  }

  /** app takes a var; db holds data; cache can reset itself. */
  static Blueprint shop() {
    return Blueprint.builder("shop")
        .var("greeting", "hello")
        .resource("app", "mem.object", r -> r.param("value", "${vars.greeting}"))
        .resource("db", "mem.data", r -> r.param("value", "empty").needs("app"))
        .resource("cache", "mem.reset", r -> r.param("value", "cold"))
        .build();
  }

  @Override
  protected Tenantwright.Builder wire(Tenantwright.Builder b) {
    return b.resourceType(backend.type()).resourceType(backend.dataType("mem.data"))
        .resourceType(backend.resettableType("mem.reset", false));
  }

  @Test
  void testInstancesAreCreatedListedResetAndDestroyed() {
    Tenantwright tw = open(store().blueprint(shop()));
    Tenant t = abc(tw);
    assertThat(tw.environments().createTest(t.id(), "alpha", RunOptions.defaults()).await(WAIT).state())
        .isEqualTo(RunState.SUCCEEDED);
    assertThat(tw.environments().createTest(t.id(), "beta", RunOptions.defaults()).await(WAIT).state())
        .isEqualTo(RunState.SUCCEEDED);
    assertThat(tw.environments().list(t.id())).extracting(Environment::name).containsExactly("test-alpha", "test-beta");

    backend.scribble("abc-corporation--test-alpha--cache", "hot");
    backend.scribble("abc-corporation--test-alpha--db", "customer rows");
    Run reset = tw.environments().reset(t.id(), "test-alpha", RunOptions.defaults()).await(WAIT);
    assertThat(reset.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(reset.steps()).extracting(StepStatus::name, StepStatus::action).contains(
        org.assertj.core.groups.Tuple.tuple("cache", StepAction.RESET), org.assertj.core.groups.Tuple.tuple("db", StepAction.REPLACE));
    assertThat(backend.objects.get("abc-corporation--test-alpha--cache").value()).isEqualTo("cold");
    assertThat(backend.objects.get("abc-corporation--test-alpha--db").value()).isEqualTo("empty");
    assertThat(backend.objects.get("abc-corporation--test-beta--cache").value()).isEqualTo("cold");

    assertThat(tw.environments().destroy(t.id(), "test-beta", RunOptions.defaults()).await(WAIT).state())
        .isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.objects.keySet()).noneMatch(k -> k.contains("test-beta"));
    assertThat(tw.environments().find(t.id(), "test-beta").orElseThrow().state()).isEqualTo(EnvironmentState.DESTROYED);
  }

  @Test
  void aTenantOwnsSeveralSitesEachWithItsOwnTestInstancesAndLiveProtection() {
    Tenantwright tw = open(store().blueprint(shop()));
    Tenant t = abc(tw);
    assertThat(tw.environments().provision(t.id(), "shop", EnvironmentKind.LIVE, RunOptions.defaults()).await(WAIT)
        .environment()).isEqualTo("shop-live");
    tw.environments().provision(t.id(), "blog", EnvironmentKind.LIVE, RunOptions.defaults()).await(WAIT);
    tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(WAIT);
    Run test = tw.environments().createTest(t.id(), "shop", "newui", RunOptions.defaults().parameter("greeting", "hi"))
        .await(WAIT);
    assertThat(test.state()).as(String.valueOf(test.error())).isEqualTo(RunState.SUCCEEDED);

    assertThat(tw.environments().list(t.id())).extracting(Environment::name, Environment::site, Environment::kind)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("shop-live", "shop", EnvironmentKind.LIVE),
            org.assertj.core.groups.Tuple.tuple("blog-live", "blog", EnvironmentKind.LIVE),
            org.assertj.core.groups.Tuple.tuple("live", "main", EnvironmentKind.LIVE),
            org.assertj.core.groups.Tuple.tuple("shop-test-newui", "shop", EnvironmentKind.TEST));
    assertThat(tw.environments().sites(t.id())).containsExactly("main", "blog", "shop");
    assertThat(backend.objects).containsKeys("abc-corporation--shop-live--app", "abc-corporation--blog-live--app",
        "abc-corporation--live--app", "abc-corporation--shop-test-newui--app");

    // each site's live is protected on its own
    assertThatThrownBy(() -> tw.environments().destroy(t.id(), "blog-live", RunOptions.defaults()))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("live-protection");
    // a site's test instance is promoted to that site's live, and to no other
    backend.scribble("abc-corporation--shop-live--db", "shop orders");
    Run promoted = tw.environments().promote(t.id(), "shop-test-newui", RunOptions.defaults()).await(WAIT);
    assertThat(promoted.state()).as(String.valueOf(promoted.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(promoted.environment()).isEqualTo("shop-live");
    assertThat(backend.objects.get("abc-corporation--shop-live--app").value()).isEqualTo("hi");
    assertThat(backend.objects.get("abc-corporation--shop-live--db").value()).isEqualTo("shop orders");
    assertThat(backend.objects.get("abc-corporation--blog-live--app").value()).isEqualTo("hello");
    assertThat(backend.objects.get("abc-corporation--live--app").value()).isEqualTo("hello");
    assertThat(tw.environments().status(t.id(), "shop-live").kind()).isEqualTo(EnvironmentKind.LIVE);

    // deleting the tenant destroys every site's environments, lives last, with the one approval
    tw.tenants().delete(t.id(), RunOptions.defaults().approval("dave", "churned"), WAIT);
    assertThat(backend.objects.keySet()).noneMatch(k -> k.startsWith("abc-corporation--"));
    assertThat(tw.environments().sites(t.id())).isEmpty();
  }

  @Test
  void siteNamesThatCouldBeMistakenForAnotherEnvironmentAreRefusedNamingTheField() {
    Tenantwright tw = open(store().blueprint(shop()));
    Tenant t = abc(tw);
    for (String bad : new String[] {"test", "demo", "live", "Shop", "my-shop", "", "9shop", "a".repeat(21), "shop\n"}) {
      assertThatThrownBy(() -> tw.environments().provision(t.id(), bad, EnvironmentKind.DEMO, RunOptions.defaults()))
          .as(bad).isInstanceOf(dev.tenantwright.core.ValidationException.class).hasMessageContaining("site");
    }
    assertThatThrownBy(() -> tw.environments().createTest(t.id(), "shop", "-x", RunOptions.defaults()))
        .isInstanceOf(dev.tenantwright.core.ValidationException.class).hasMessageContaining("name");
    for (String bad : new String[] {"shop", "shop-", "shop-prod", "shop-test-", "main-live", "test-live-x-", "-live"}) {
      assertThatThrownBy(() -> tw.environments().status(t.id(), bad)).as(bad)
          .isInstanceOf(dev.tenantwright.core.ValidationException.class).hasMessageContaining("environment");
    }
    // the main site's test instance named like another site's live stays a test instance of main
    assertThat(tw.environments().createTest(t.id(), "shop-live", RunOptions.defaults()).await(WAIT).environment())
        .isEqualTo("test-shop-live");
    assertThat(tw.environments().find(t.id(), "test-shop-live").orElseThrow().site()).isEqualTo("main");
    assertThat(tw.environments().find(t.id(), "shop-live")).isEmpty();
    assertThat(backend.objects).isNotEmpty();
  }

  @Test
  void aPlanLimitsItsSites() {
    Tenantwright tw = open(store().blueprint(shop()).planLimits("starter", PlanLimits.unlimited().maxSites(2)));
    Tenant t = tw.tenants().create(NewTenant.company("Starter Co").email("a@starter.example").plan("starter"));
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    tw.environments().provision(t.id(), "shop", EnvironmentKind.DEMO, RunOptions.defaults()).await(WAIT);
    tw.environments().createTest(t.id(), "shop", "x", RunOptions.defaults()).await(WAIT);
    int objects = backend.objects.size();
    assertThatThrownBy(() -> tw.environments().provision(t.id(), "blog", EnvironmentKind.LIVE, RunOptions.defaults()))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("allows 2 sites")
        .hasMessageContaining("[main, shop]");
    assertThat(backend.objects).hasSize(objects);
    assertThat(tw.environments().find(t.id(), "blog-live")).isEmpty();
  }

  @Test
  void aPlanChangeRechecksTheQuotasAndUpdatesWhatDependsOnThePlan() {
    Blueprint planned = Blueprint.builder("planned")
        .resource("app", "mem.object", r -> r.param("value", "tier-${tenant.plan}"))
        .resource("other", "mem.data", r -> r.param("value", "same for every plan"))
        .build();
    Tenantwright tw = open(store().blueprint(planned)
        .planLimits("starter", PlanLimits.unlimited().maxTestInstances(1))
        .planLimits("pro", PlanLimits.unlimited().maxTestInstances(3)));
    Tenant t = tw.tenants().create(NewTenant.company("Growing Co").email("a@growing.example").plan("pro"));
    tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(WAIT);
    tw.environments().createTest(t.id(), "a", RunOptions.defaults()).await(WAIT);
    tw.environments().createTest(t.id(), "b", RunOptions.defaults()).await(WAIT);
    assertThat(backend.objects.get("growing-co--live--app").value()).isEqualTo("tier-pro");

    // a downgrade the tenant does not fit is refused, names the limit and changes nothing
    assertThatThrownBy(() -> tw.tenants().changePlan(t.id(), "starter", RunOptions.defaults()))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("plan 'starter' allows 1 test instances")
        .hasMessageContaining("has 2");
    assertThat(tw.tenants().get(t.id()).plan()).isEqualTo("pro");
    assertThat(backend.objects.get("growing-co--live--app").value()).isEqualTo("tier-pro");
    assertThat(tw.tenants().history(t.id())).extracting(Event::type).contains(EventType.POLICY_REFUSED);
    assertThatThrownBy(() -> tw.tenants().changePlan(t.id(), "Gold!", RunOptions.defaults()))
        .isInstanceOf(dev.tenantwright.core.ValidationException.class).hasMessageContaining("plan");

    tw.environments().destroy(t.id(), "test-b", RunOptions.defaults()).await(WAIT);
    dev.tenantwright.core.PlanChange change = tw.tenants().changePlan(t.id(), "starter",
        RunOptions.defaults().actor("billing"));
    assertThat(change.previousPlan()).isEqualTo("pro");
    assertThat(change.tenant().plan()).isEqualTo("starter");
    assertThat(change.updates()).extracting(Run::environment).containsExactlyInAnyOrder("live", "test-a");
    for (Run r : change.updates()) {
      Run done = r.await(WAIT);
      assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
      assertThat(done.steps()).filteredOn(s -> s.name().equals("other")).extracting(StepStatus::action)
          .containsExactly(StepAction.NOOP);
    }
    assertThat(backend.objects.get("growing-co--live--app").value()).isEqualTo("tier-starter");
    assertThat(tw.tenants().history(t.id())).filteredOn(e -> e.type() == EventType.TENANT_PLAN_CHANGED)
        .singleElement().satisfies(e -> assertThat(e.message()).contains("from pro to starter"));
    // the same plan again changes nothing and starts nothing
    assertThat(tw.tenants().changePlan(t.id(), "starter", RunOptions.defaults()).updates()).isEmpty();
  }

  @Test
  void theStatusViewNamesTheActivationStatus() {
    Tenantwright tw = open(store().blueprint(shop()));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    assertThat(tw.environments().status(t.id(), "demo").activation())
        .isEqualTo(dev.tenantwright.core.ActivationStatus.COMPLETED);
    backend.fail("db", "create", Phase.BEFORE, 1, () -> new PermanentException("disk full"));
    tw.environments().createTest(t.id(), "x", RunOptions.defaults()).await(WAIT);
    assertThat(tw.environments().status(t.id(), "test-x").activation())
        .isEqualTo(dev.tenantwright.core.ActivationStatus.FAILED);
    assertThat(dev.tenantwright.core.ActivationStatus.of(EnvironmentState.PROVISIONING, RunState.QUEUED))
        .isEqualTo(dev.tenantwright.core.ActivationStatus.PENDING);
    assertThat(dev.tenantwright.core.ActivationStatus.of(EnvironmentState.PROVISIONING, RunState.RUNNING))
        .isEqualTo(dev.tenantwright.core.ActivationStatus.IN_PROGRESS);
    assertThat(dev.tenantwright.core.ActivationStatus.of(EnvironmentState.PROVISIONING, RunState.ROLLING_BACK))
        .isEqualTo(dev.tenantwright.core.ActivationStatus.ROLLBACK);
    assertThat(dev.tenantwright.core.ActivationStatus.of(EnvironmentState.READY, RunState.ROLLED_BACK))
        .isEqualTo(dev.tenantwright.core.ActivationStatus.COMPLETED);
  }

  @Test
  void aPlanQuotaRefusesBeforeAnySideEffectAndNamesTheLimit() {
    Tenantwright tw = open(store().blueprint(shop()).planLimits("starter",
        PlanLimits.unlimited().maxTestInstances(1).maxResources("mem.data", 2)));
    Tenant t = tw.tenants().create(NewTenant.company("Starter Co").email("a@starter.example").plan("starter"));
    tw.environments().createTest(t.id(), "one", RunOptions.defaults()).await(WAIT);
    int objects = backend.objects.size();

    assertThatThrownBy(() -> tw.environments().createTest(t.id(), "two", RunOptions.defaults()))
        .isInstanceOf(PolicyViolationException.class)
        .hasMessageContaining("plan 'starter' allows 1 test instances").hasMessageContaining("has 1");
    assertThat(backend.objects).hasSize(objects);
    assertThat(tw.environments().find(t.id(), "test-two")).isEmpty();

    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    assertThatThrownBy(() -> tw.environments().provision(t.id(), EnvironmentKind.LIVE))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("allows 2 mem.data resources");
    assertThat(tw.tenants().history(t.id())).extracting(Event::type).contains(EventType.POLICY_REFUSED);
  }

  @Test
  void resettingOrDestroyingLiveNeedsAnApprovalThatIsAudited() {
    Tenantwright tw = open(store().blueprint(shop()));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(WAIT);

    assertThatThrownBy(() -> tw.environments().reset(t.id(), "live", RunOptions.defaults()))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("live-protection");
    assertThatThrownBy(() -> tw.environments().destroy(t.id(), "live", RunOptions.defaults()))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("approval");
    assertThat(backend.objects.keySet()).anyMatch(k -> k.contains("-live-"));

    Run reset = tw.environments().reset(t.id(), "live", RunOptions.defaults().approval("alice", "CHG-42 quarterly reset"))
        .await(WAIT);
    assertThat(reset.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(reset.events().get(0).actor()).isEqualTo("alice");
    assertThat(tw.tenants().history(t.id())).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(EventType.RUN_QUEUED);
      assertThat(e.message()).contains("reset of live").contains("approved by alice: CHG-42 quarterly reset");
    });
  }

  @Test
  void aDestructiveStepOnLiveNeedsAnApproval() {
    Blueprint guarded = Blueprint.builder("guarded")
        .var("v", "1")
        .resource("migrate", "mem.object", r -> r.param("value", "${vars.v}").destructive(true))
        .build();
    Tenantwright tw = open(store().blueprint(guarded));
    Tenant t = abc(tw);
    assertThatThrownBy(() -> tw.environments().provision(t.id(), EnvironmentKind.LIVE))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("destructive");
    assertThat(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT).state())
        .isEqualTo(RunState.SUCCEEDED);
    assertThat(tw.environments().provision(t.id(), EnvironmentKind.LIVE, RunOptions.defaults().approval("bob", "first deploy"))
        .await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void promotionCopiesConfigurationToLiveButNeverData() {
    Tenantwright tw = open(store().blueprint(shop()));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(WAIT);
    backend.scribble("abc-corporation--live--db", "real customer rows");
    tw.environments().createTest(t.id(), "newui", RunOptions.defaults().parameter("greeting", "bonjour")).await(WAIT);
    backend.scribble("abc-corporation--test-newui--db", "test rows");

    Run promoted = tw.environments().promote(t.id(), "test-newui", RunOptions.defaults().actor("carol")).await(WAIT);

    assertThat(promoted.kind()).isEqualTo(RunKind.PROMOTE);
    assertThat(promoted.state()).as(String.valueOf(promoted.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.objects.get("abc-corporation--live--app").value()).isEqualTo("bonjour");
    assertThat(backend.objects.get("abc-corporation--live--db").value()).isEqualTo("real customer rows");
    assertThat(promoted.steps()).filteredOn(s -> s.name().equals("db")).extracting(StepStatus::action)
        .containsExactly(StepAction.NOOP);
    assertThat(promoted.events().get(0).message()).contains("from test-newui");
  }

  @Test
  void aTypeWithItsOwnPromotionPromotesTheTestedObjectOntoLive() {
    Blueprint release = Blueprint.builder("release")
        .var("build", "1")
        .resource("deployment", "mem.promo", r -> r.param("value", "build-${vars.build}"))
        .build();
    Tenantwright tw = open(store().blueprint(release).resourceType(backend.promotableType("mem.promo")));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(WAIT);
    tw.environments().createTest(t.id(), "rc", RunOptions.defaults().parameter("build", "2")).await(WAIT);

    Run promoted = tw.environments().promote(t.id(), "test-rc", RunOptions.defaults()).await(WAIT);

    assertThat(promoted.state()).as(String.valueOf(promoted.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(promoted.steps()).extracting(StepStatus::action).containsExactly(StepAction.PROMOTE);
    assertThat(backend.log).contains("promote:deployment from abc-corporation--test-rc--deployment");
    assertThat(backend.objects.get("abc-corporation--live--deployment").value()).isEqualTo("promoted:build-2");
    assertThat(backend.objects.get("abc-corporation--test-rc--deployment").value()).isEqualTo("build-2");
  }

  @Test
  void onlyAReadyTestInstanceWithPassingHealthChecksIsPromoted() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.start();
    int port = server.getAddress().getPort();
    Blueprint checked = Blueprint.builder("checked")
        .resource("app", "mem.object", r -> r.param("value", "x"))
        .resource("health", "http.health-check", r -> r.param("url", "http://127.0.0.1:" + port + "/").param("timeout", "5s"))
        .build();
    Tenantwright tw = open(store().blueprint(checked).egressAllow("127.0.0.1"));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(WAIT);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    tw.environments().createTest(t.id(), "rc", RunOptions.defaults()).await(WAIT);

    assertThatThrownBy(() -> tw.environments().promote(t.id(), "demo", RunOptions.defaults()))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("only a test instance");
    server.stop(0);
    assertThatThrownBy(() -> tw.environments().promote(t.id(), "test-rc", RunOptions.defaults()))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("health checks of 'test-rc' fail");
  }

  @Test
  void aHostPolicyCanVetoARun() {
    Tenantwright tw = open(store().blueprint(shop()).policy(req -> {
      if (req.kind() == EnvironmentKind.LIVE && "frozen".equals(req.tenant().attributes().get("freeze"))) {
        throw new PolicyViolationException("change-freeze", "live changes are frozen for " + req.tenant().id());
      }
    }));
    Tenant frozen = tw.tenants().create(NewTenant.company("Frozen Co").email("a@frozen.example").attribute("freeze", "frozen"));
    assertThatThrownBy(() -> tw.environments().provision(frozen.id(), EnvironmentKind.LIVE))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("change-freeze: live changes are frozen");
    assertThat(tw.environments().provision(frozen.id(), EnvironmentKind.DEMO).await(WAIT).state())
        .isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void suspendResumeAndDeleteATenant() throws Exception {
    Tenantwright tw = open(store().blueprint(shop()));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(WAIT);
    tw.environments().createTest(t.id(), "a", RunOptions.defaults()).await(WAIT);

    assertThat(tw.tenants().suspend(t.id(), "billing").state()).isEqualTo(TenantState.SUSPENDED);
    assertThatThrownBy(() -> tw.environments().createTest(t.id(), "b", RunOptions.defaults()))
        .isInstanceOf(ConflictException.class).hasMessageContaining("SUSPENDED");
    assertThat(tw.tenants().resume(t.id(), "billing").state()).isEqualTo(TenantState.ACTIVE);

    CountDownLatch hold = backend.blockAfter("app", "update");
    Run busy = tw.environments().update(t.id(), "test-a", RunOptions.defaults().parameter("greeting", "hey"));
    backend.awaitBlocked("app", "update");
    assertThatThrownBy(() -> tw.tenants().delete(t.id(), RunOptions.defaults().approval("dave", "churned"), WAIT))
        .isInstanceOf(ConflictException.class).hasMessageContaining("active run");
    hold.countDown();
    busy.await(WAIT);

    assertThatThrownBy(() -> tw.tenants().delete(t.id(), RunOptions.defaults(), WAIT))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("live");
    assertThat(backend.objects).isNotEmpty();

    assertThat(tw.tenants().delete(t.id(), RunOptions.defaults().approval("dave", "customer churned"), WAIT).state())
        .isEqualTo(TenantState.DELETED);
    assertThat(backend.objects).isEmpty();
    assertThat(tw.environments().list(t.id())).extracting(Environment::state).containsOnly(EnvironmentState.DESTROYED);
    List<Event> history = tw.tenants().history(t.id());
    assertThat(history).extracting(Event::type).contains(EventType.TENANT_SUSPENDED, EventType.TENANT_RESUMED,
        EventType.TENANT_DELETING, EventType.TENANT_DELETED);
    assertThat(history).filteredOn(e -> e.type() == EventType.TENANT_DELETING).first()
        .satisfies(e -> assertThat(e.message()).contains("approved by dave: customer churned"));
    assertThat(tw.tenants().history(t.id(), 2)).as("the newest two, oldest first")
        .containsExactlyElementsOf(history.subList(history.size() - 2, history.size()));
    assertThatThrownBy(() -> tw.tenants().history(t.id(), 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void aFailedProvisioningIsRetriedUpToTheLimitAndReportsItsStatus() {
    backend.fail("db", "create", Phase.BEFORE, 2, () -> new PermanentException("mem: disk full"));
    Tenantwright tw = open(store().blueprint(shop()).maxProvisionAttempts(2));
    Tenant t = abc(tw);
    assertThat(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT).state()).isEqualTo(RunState.ROLLED_BACK);
    EnvironmentStatus status = tw.environments().status(t.id(), "demo");
    assertThat(status.state()).isEqualTo(EnvironmentState.FAILED);
    assertThat(status.lastError()).contains("disk full");
    assertThat(status.failedAttempts()).isEqualTo(1);

    assertThat(tw.environments().retry(t.id(), "demo", RunOptions.defaults()).await(WAIT).state()).isEqualTo(RunState.ROLLED_BACK);
    assertThatThrownBy(() -> tw.environments().retry(t.id(), "demo", RunOptions.defaults()))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("failed 2 times; the limit is 2");
  }

  @Test
  void aRetryAfterAFailureCanSucceed() {
    backend.fail("db", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: disk full"));
    Tenantwright tw = open(store().blueprint(shop()));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    Run retried = tw.environments().retry(t.id(), "demo", RunOptions.defaults()).await(WAIT);
    assertThat(retried.state()).isEqualTo(RunState.SUCCEEDED);
    EnvironmentStatus status = tw.environments().status(t.id(), "demo");
    assertThat(status.state()).isEqualTo(EnvironmentState.READY);
    assertThat(status.percent()).isEqualTo(100);
    assertThat(status.failedAttempts()).isZero();
  }

  @Test
  void theStatusViewShowsTheRunningStep() throws Exception {
    CountDownLatch hold = backend.blockAfter("db", "create");
    Tenantwright tw = open(store().blueprint(shop()));
    Tenant t = abc(tw);
    Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("db", "create");
    // cache is independent of db and may still be finishing: wait for it, db stays blocked
    org.awaitility.Awaitility.await().atMost(WAIT)
        .until(() -> tw.environments().status(t.id(), "demo").currentSteps().equals(List.of("db")));
    EnvironmentStatus status = tw.environments().status(t.id(), "demo");
    assertThat(status.state()).isEqualTo(EnvironmentState.PROVISIONING);
    assertThat(status.runId()).isEqualTo(run.id());
    assertThat(status.runState()).isEqualTo(RunState.RUNNING);
    assertThat(status.currentSteps()).containsExactly("db");
    assertThat(status.percent()).isBetween(1, 99);
    hold.countDown();
    run.await(WAIT);
  }

  @Test
  void aRedeployUpdatesEveryUpdatableResourceWithoutAConfigurationChange() {
    Tenantwright tw = open(store().blueprint(shop()));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    Run redeploy = tw.environments().redeploy(t.id(), "demo", RunOptions.defaults().idempotencyKey("push-abc123"))
        .await(WAIT);
    assertThat(redeploy.kind()).isEqualTo(RunKind.REDEPLOY);
    assertThat(redeploy.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.log).contains("update:app", "update:db", "update:cache");
    assertThat(tw.environments().redeploy(t.id(), "demo", RunOptions.defaults().idempotencyKey("push-abc123")).id())
        .as("a redelivered webhook is the same run").isEqualTo(redeploy.id());
  }

  @Test
  void blueprintsAreChosenByTenantAttributes() {
    Blueprint erp = Blueprint.builder("erp").var("modules", "core")
        .resource("erp", "mem.object", r -> r.param("value", "erp:${vars.modules}:${tenant.attributes.industry}")).build();
    Blueprint site = Blueprint.builder("site").var("template", "plain")
        .resource("site", "mem.object", r -> r.param("value", "site:${vars.template}")).build();
    Tenantwright tw = open(store().blueprint(erp).blueprint(site).defaultBlueprint("site")
        .blueprintSelector((tenant, kind) -> switch (tenant.attributes().getOrDefault("industry", "")) {
          case "manufacturing" -> Optional.of(BlueprintChoice.of("erp").parameter("modules", "mrp,quality"));
          case "services" -> Optional.of(BlueprintChoice.of("erp").parameter("modules", "projects,timesheets"));
          default -> switch (tenant.attributes().getOrDefault("site", "")) {
            case "e-commerce" -> Optional.of(BlueprintChoice.of("site").parameter("template", "shop"));
            case "blog" -> Optional.of(BlueprintChoice.of("site").parameter("template", "blog"));
            default -> Optional.empty();
          };
        }));
    Tenant maker = tw.tenants().create(NewTenant.company("Maker").email("a@maker.example").attribute("industry", "manufacturing"));
    Tenant agency = tw.tenants().create(NewTenant.company("Agency").email("a@agency.example").attribute("industry", "services"));
    Tenant shop = tw.tenants().create(NewTenant.company("Shop").email("a@shop.example").attribute("site", "e-commerce"));
    Tenant plain = tw.tenants().create(NewTenant.company("Plain").email("a@plain.example"));
    for (Tenant t : List.of(maker, agency, shop, plain)) {
      assertThat(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    }
    assertThat(backend.objects.get("maker--demo--erp").value()).isEqualTo("erp:mrp,quality:manufacturing");
    assertThat(backend.objects.get("agency--demo--erp").value()).isEqualTo("erp:projects,timesheets:services");
    assertThat(backend.objects.get("shop--demo--site").value()).isEqualTo("site:shop");
    assertThat(backend.objects.get("plain--demo--site").value()).isEqualTo("site:plain");
    assertThat(tw.environments().find(maker.id(), "demo").orElseThrow().blueprint()).isEqualTo("erp");
  }
}
