package dev.tenantwright.plugin.frappe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.frappe.BenchFake;
import dev.tenantwright.testkit.webhooks.WebhookReceiver;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "ERP site per signup" use case with {@code examples/blueprints/erp-frappe.yaml}. */
class ErpSignupUseCaseTest {

  static final Path BLUEPRINT = Path.of("../../examples/blueprints/erp-frappe.yaml");
  static final String SITE = "acme.erp.example.com";
  static final Duration WAIT = Duration.ofMinutes(1);

  final BenchFake fake = TestConfigs.fakeBench();
  final CommandRunnerFake runner = fake.attachTo(new CommandRunnerFake());
  final WebhookReceiver masterDb = WebhookReceiver.start();
  @TempDir
  Path dir;
  Tenantwright tw;

  @BeforeEach
  void start() {
    tw = Tenantwright.builder()
        .platformDomains("erp.example.com")
        .embedded(dir)
        .classpathPlugins(false)
        .resourceType(new FrappeSiteType())
        .statusWebhook(masterDb.statusWebhook("master-db"))
        .pluginConfig("frappe", TestConfigs.local())
        .commandRunner(runner)
        .blueprint(Blueprint.fromYaml(BLUEPRINT))
        .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
        .build();
  }

  @AfterEach
  void stop() {
    if (tw != null) {
      tw.close(Duration.ZERO);
    }
    masterDb.close();
  }

  Tenant signUp() {
    return tw.tenants().create(NewTenant.company("Acme Corp").email("ops@acme.example").slug("acme"));
  }

  Run launch(Tenant t, String key) {
    return tw.environments().provision(t.id(), EnvironmentKind.LIVE, RunOptions.defaults().idempotencyKey(key));
  }

  @Test
  void aSignupGetsItsSiteWithErpnextItsAdminUserAndApiKeysAndIsRegistered() {
    Run run = launch(signUp(), "signup-acme").await(WAIT);

    assertThat(run.state()).as(run.error()).isEqualTo(RunState.SUCCEEDED);
    BenchFake.SiteView site = fake.site(SITE).orElseThrow();
    assertThat(site.apps()).containsExactly("frappe", "erpnext");
    assertThat(site.config()).containsEntry("mute_emails", false).containsEntry("max_file_size", 10485760L);
    BenchFake.UserView user = site.users().get("ops@acme.example");
    assertThat(user.systemManager()).isTrue();
    assertThat(user.firstName()).isEqualTo("Acme Corp");
    JsonNode registered = masterDb.records("tenant.registered").get("acme/live");
    assertThat(registered.path("url").asText()).isEqualTo("https://" + SITE);
    assertThat(registered.path("apiKey").asText()).isEqualTo(user.apiKey());
    assertThat(registered.path("apiSecret").asText()).isEqualTo(user.apiSecret());
    assertThat(masterDb.refused()).isZero();
    assertThat(fake.backups()).hasSize(1);
    assertThat(site.schedulerActive()).as("so the welcome mail leaves the queue").isTrue();
  }

  @Test
  void aRepeatedSignupForTheSameSubdomainReturnsTheExistingTenantAndTheSameKeyTheSameRun() {
    Tenant first = signUp();
    Run run = launch(first, "signup-acme");

    Tenant again = signUp();
    Run repeated = launch(again, "signup-acme");

    assertThat(again.id()).isEqualTo(first.id()).isEqualTo("acme");
    assertThat(tw.tenants().list()).hasSize(1);
    assertThat(repeated.id()).isEqualTo(run.id());
    assertThat(run.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(launch(signUp(), "signup-acme").id()).isEqualTo(run.id());
    assertThat(fake.sites()).containsExactly(SITE);
    assertThat(fake.history()).filteredOn(h -> h.endsWith(" new-site")).hasSize(1);
    assertThat(masterDb.records("tenant.registered")).containsOnlyKeys("acme/live");
  }

  @Test
  void anEmailThatAlreadyOwnsATenantGetsAFriendlyConflict() {
    signUp();

    assertThatThrownBy(() -> tw.tenants().create(NewTenant.company("Acme Two").email("OPS@acme.example")
        .slug("acme-two")))
        .isInstanceOf(ConflictException.class).hasMessageContaining("already registered to another tenant");
    assertThat(tw.tenants().list()).extracting(Tenant::id).containsExactly("acme");
    assertThat(runner.invocations()).isEmpty();
  }

  @Test
  void aFailedRegistrationAfterTheSiteExistsDropsTheSiteAgain() {
    masterDb.answer("tenant.registered", 409);

    Run run = launch(signUp(), "signup-acme").await(WAIT);

    assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(run.error()).contains("webhook 'master-db' answered 409 to tenant.registered");
    assertThat(step(run, "site").state()).isEqualTo(StepState.COMPENSATED);
    assertThat(fake.liveObjects()).isEmpty();
    assertThat(fake.archived()).containsExactly("archived/sites/" + SITE);
    assertThat(masterDb.records("tenant.registered")).isEmpty();
  }

  @Test
  void anAppThatFailsToInstallRollsBackWithoutLeavingTheSite() {
    fake.appsTxt("hrms");

    Run run = launch(signUp(), "signup-acme").await(WAIT);

    assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(step(run, "site").error()).contains("App erpnext not in apps.txt");
    assertThat(step(run, "register").state()).isEqualTo(StepState.SKIPPED);
    assertThat(fake.liveObjects()).isEmpty();
    assertThat(fake.history()).contains(SITE + " drop-site");
  }

  @Test
  void aBenchCommandThatHangsPastItsDeadlineOnEveryAttemptLeavesNoPartialState() {
    fake.hangAlways("install-app");

    Run run = launch(signUp(), "signup-acme").await(WAIT);

    assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
    StepStatus site = step(run, "site");
    assertThat(site.attempts()).isEqualTo(3);
    assertThat(site.error()).contains("ran past its time limit").contains("stopped on the bench host");
    assertThat(fake.orphansRunning()).isZero();
    assertThat(fake.liveObjects()).isEmpty();
    assertThat(masterDb.records("tenant.registered")).isEmpty();
    assertThat(fake.history()).filteredOn(h -> h.endsWith(" new-site")).hasSize(3);
    assertThat(fake.history()).filteredOn(h -> h.endsWith(" drop-site")).hasSize(3);
  }

  @Test
  void aNewSiteWhoseClientIsLostAfterMakingTheSiteLeavesNoPartialState() {
    for (int i = 0; i < 3; i++) {
      fake.detachNext("new-site", Duration.ZERO);
    }

    Run run = launch(signUp(), "signup-acme").await(WAIT);

    assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(fake.liveObjects()).isEmpty();
    assertThat(fake.history()).filteredOn(h -> h.endsWith(" new-site")).hasSize(3);
    assertThat(fake.races()).isEmpty();
  }

  @Test
  void aHangThatEndsBeforeTheLastAttemptStillProvisionsOneSite() {
    fake.hangMidwayNext("new-site");
    fake.hangNext("install-app");

    Run run = launch(signUp(), "signup-acme").await(WAIT);

    assertThat(run.state()).as(run.error()).isEqualTo(RunState.SUCCEEDED);
    assertThat(fake.sites()).containsExactly(SITE);
    assertThat(fake.site(SITE).orElseThrow().complete()).isTrue();
    assertThat(masterDb.records("tenant.registered")).containsOnlyKeys("acme/live");
  }

  static StepStatus step(Run run, String name) {
    return run.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
