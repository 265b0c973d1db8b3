package dev.tenantwright.plugin.incus;

import static dev.tenantwright.plugin.incus.IncusInstanceTypeTest.NAME;
import static dev.tenantwright.plugin.incus.IncusInstanceTypeTest.erp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Plan;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.plugin.incus.InstanceSpec.Expose;
import dev.tenantwright.plugin.incus.InstanceSpec.InitCommand;
import dev.tenantwright.plugin.incus.internal.IncusClients;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.incus.InstanceView;
import dev.tenantwright.testkit.incus.IncusFake;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-place update of {@code incus.instance} (review finding I3) and the root disk fields (I7), against the
 * Incus fake: what changes live, what is refused, concurrent changes, rollback by swapping the specs, and the
 * engine planning an update instead of a replace.
 */
class IncusInstanceUpdateTest {

  final IncusFake fake = new IncusFake();
  final IncusInstanceType type = new IncusInstanceType();
  IncusConfig config;
  TestStepContext ctx;
  @TempDir Path dir;

  @BeforeEach
  void connect() {
    config = new IncusConfig(null, fake.baseUrl(), null, null, null, null, null, null, null, null);
    ctx = TestStepContext.builder().step("erp").config(config).budget(Duration.ofMinutes(1)).build();
  }

  @AfterEach
  void contractAndClose() {
    try {
      fake.assertContractRespected();
    } finally {
      fake.close();
    }
  }

  InstanceView instance() {
    return fake.instance("default", NAME).orElseThrow();
  }

  /** The ERP spec with other limits, variables, raw config, ports or root disk. */
  static InstanceSpec erpWith(String cpu, String memory, Map<String, String> env, Map<String, String> raw,
      List<Expose> expose, String rootSize) {
    InstanceSpec base = erp();
    return new InstanceSpec(base.image(), null, null, null, null, null, cpu, memory, env, base.initSecrets(), raw,
        base.init(), expose, null, rootSize, null);
  }

  /** Customer data written after provisioning: an update must never touch it. */
  void writeCustomerData() {
    IncusClients.forConfig(config).exec(NAME, List.of("/bin/touch", "/srv/erp/customer.db"), Map.of(), null, null,
        null, "write customer data", ctx);
  }

  long lifecycleCalls() {
    return fake.calls(IncusFake.CREATE_INSTANCE) + fake.calls(IncusFake.DELETE_INSTANCE)
        + fake.calls(IncusFake.PUT_STATE) + fake.calls(IncusFake.EXEC);
  }

  @Test
  void i3_limitsEnvironmentAndConfigChangeInPlaceOnTheRunningInstanceWithOnePatch() {
    InstanceSpec before = erp();
    InstanceOutputs created = type.create(before, ctx).outputs();
    writeCustomerData();
    long calls = lifecycleCalls();
    InstanceSpec after = erpWith("2", "4GiB", Map.of("COMPANY_NAME", "ACME Group", "PLAN", "gold"),
        Map.of("snapshots.schedule", "@daily"), before.expose(), null);

    InstanceOutputs updated = type.update(after, before, created, ctx);

    assertThat(updated).isEqualTo(created);
    InstanceView inst = instance();
    assertThat(inst.config())
        .containsEntry("limits.cpu", "2")
        .containsEntry("limits.memory", "4GiB")
        .containsEntry("environment.COMPANY_NAME", "ACME Group")
        .containsEntry("environment.PLAN", "gold")
        .containsEntry("snapshots.schedule", "@daily")
        .containsEntry(InstanceSpec.OWNER_KEY, ctx.ownershipMarker())
        .doesNotContainKeys("environment.CUSTOMER_ID", "boot.autostart");
    assertThat(inst.running()).isTrue();
    assertThat(inst.files()).containsKey("/srv/erp/customer.db");
    assertThat(inst.snapshots()).containsExactly(IncusInstanceType.BASELINE);
    assertThat(lifecycleCalls()).as("no create, delete, restart or exec").isEqualTo(calls);
    assertThat(fake.calls(IncusFake.PATCH_INSTANCE)).isEqualTo(1);
    assertThat(fake.calls(IncusFake.PUT_INSTANCE)).isZero();
    assertThat(fake.requests(IncusFake.PATCH_INSTANCE).get(0).body())
        .contains("\"environment.CUSTOMER_ID\":\"\"", "\"boot.autostart\":\"\"")
        .doesNotContain("s3cret");
  }

  @Test
  void i3_anUpdateThatChangesNothingSendsNothing() {
    InstanceOutputs created = type.create(erp(), ctx).outputs();

    assertThat(type.update(erp(), erp(), created, ctx)).isEqualTo(created);
    assertThat(fake.calls(IncusFake.PATCH_INSTANCE) + fake.calls(IncusFake.PUT_INSTANCE)).isZero();
  }

  @Test
  void i3_aConcurrentChangeMakesTheEtagStaleSoTheUpdateReadsAgainAndKeepsTheOtherChange() {
    InstanceOutputs created = type.create(erp(), ctx).outputs();
    AtomicBoolean armed = new AtomicBoolean(true);
    fake.afterEachCall(n -> {
      // Right after the update's read, an operator changes the instance.
      if (armed.getAndSet(false)) {
        fake.changeInstance("default", NAME, Map.of("user.operator.note", "moved to rack 3"));
      }
    });

    type.update(erpWith("1", "1GiB", erp().environment(), erp().config(), erp().expose(), null), erp(), created, ctx);

    assertThat(fake.requests(IncusFake.PATCH_INSTANCE)).extracting(c -> c.status()).containsExactly(412, 200);
    assertThat(instance().config()).containsEntry("limits.memory", "1GiB")
        .containsEntry("user.operator.note", "moved to rack 3");
  }

  @Test
  void i3_movingAHostPortReplacesItsProxyDeviceWithAFullUpdateAndNewOutputs() {
    InstanceOutputs created = type.create(erp(), ctx).outputs();
    writeCustomerData();
    InstanceSpec moved = erpWith("1", "256MiB", erp().environment(), erp().config(), List.of(Expose.tcp(24002, 8080)),
        null);

    InstanceOutputs out = type.update(moved, erp(), created, ctx);

    assertThat(out.url()).isEqualTo("http://127.0.0.1:24002/");
    assertThat(instance().devices()).containsOnlyKeys("tw-tcp-24002");
    assertThat(instance().config()).containsEntry(InstanceSpec.OWNER_KEY, ctx.ownershipMarker())
        .containsEntry("environment.CUSTOMER_ID", "acme");
    assertThat(instance().files()).containsKey("/srv/erp/customer.db");
    assertThat(fake.calls(IncusFake.PUT_INSTANCE)).isEqualTo(1);
  }

  @Test
  void i3_updatingBackWithTheSpecsSwappedRestoresThePreviousConfiguration() {
    InstanceSpec before = erp();
    InstanceOutputs created = type.create(before, ctx).outputs();
    InstanceView original = instance();
    InstanceSpec after = erpWith("2", "2GiB", Map.of("PLAN", "gold"), Map.of(), List.of(Expose.tcp(24002, 8080)),
        "20GiB");
    InstanceOutputs updated = type.update(after, before, created, ctx);

    // What the engine's rollback does: update(previousSpec, currentSpec, outputs).
    InstanceOutputs restored = type.update(before, after, updated, ctx);

    assertThat(restored).isEqualTo(created);
    assertThat(instance().config()).isEqualTo(original.config());
    assertThat(instance().devices()).isEqualTo(original.devices());
  }

  @Test
  void i3_fieldsIncusCannotChangeInPlaceAreRefusedWithHowToReplaceAndNothingChanges() {
    InstanceOutputs created = type.create(erp(), ctx).outputs();
    InstanceSpec otherImage = new InstanceSpec("erp-template-v2", null, null, null, null, null, "1", "256MiB",
        erp().environment(), erp().initSecrets(), erp().config(), erp().init(), erp().expose(), null, null, null);
    InstanceSpec vm = new InstanceSpec("test-image", null, null, null, "virtual-machine", null, "1", "256MiB",
        erp().environment(), null, erp().config(), null, null, null, null, "fast");

    assertThatThrownBy(() -> type.update(otherImage, erp(), created, ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'image' (test-image -> erp-template-v2)")
        .hasMessageContaining("cannot change in place")
        .hasMessageContaining("give the resource a new name");
    assertThatThrownBy(() -> type.update(vm, erp(), created, ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'type' (container -> virtual-machine)")
        .hasMessageContaining("field 'storagePool' (unset -> fast)");
    assertThat(fake.calls(IncusFake.PATCH_INSTANCE) + fake.calls(IncusFake.PUT_INSTANCE)).isZero();
  }

  @Test
  void i3_initCommandsAndInitSecretsAreNotRunAgainByAnUpdate() {
    InstanceOutputs created = type.create(erp(), ctx).outputs();
    InstanceSpec base = erp();
    InstanceSpec newInit = new InstanceSpec(base.image(), null, null, null, null, null, base.cpu(), base.memory(),
        base.environment(), Map.of(), base.config(), List.of(InitCommand.of("/opt/erp/migrate")), base.expose(), null,
        null, null);
    long execs = fake.calls(IncusFake.EXEC);

    type.update(newInit, base, created, ctx);

    assertThat(fake.calls(IncusFake.EXEC)).isEqualTo(execs);
  }

  @Test
  void i3_aKeyARunningVirtualMachineCannotChangeIsRefusedWithIncusReason() {
    InstanceSpec vm = new InstanceSpec("test-image", null, null, null, "virtual-machine", null, "2", "1GiB", null, null,
        null, null, null, null, null, null);
    InstanceOutputs created = type.create(vm, ctx).outputs();
    InstanceSpec nesting = new InstanceSpec("test-image", null, null, null, "virtual-machine", null, "2", "2GiB", null,
        null, Map.of("security.nesting", "true"), null, null, null, null, null);

    assertThatThrownBy(() -> type.update(nesting, vm, created, ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("Key \"security.nesting\" cannot be updated when VM is running");
    assertThat(instance().config()).containsEntry("limits.memory", "1GiB");

    InstanceSpec memory = new InstanceSpec("test-image", null, null, null, "virtual-machine", null, "2", "2GiB", null,
        null, null, null, null, null, null, null);
    type.update(memory, vm, created, ctx);
    assertThat(instance().config()).containsEntry("limits.memory", "2GiB");
  }

  @Test
  void i3_anInstanceThatIsGoneOrNotOursIsNotUpdated() {
    assertThatThrownBy(() -> type.update(erp(), erp(), null, ctx))
        .isInstanceOf(PermanentException.class).hasMessageContaining("does not exist in project default");
    fake.plantInstance("default", NAME, Map.of(InstanceSpec.OWNER_KEY, "tw:someone-else"), true, List.of());
    assertThatThrownBy(() -> type.update(erp(), erp(), null, ctx))
        .isInstanceOf(PermanentException.class).hasMessageContaining("not managed by this resource");
    assertThat(fake.calls(IncusFake.PATCH_INSTANCE)).isZero();
  }

  @Test
  void i3_resetRestoresTheFileSystemButKeepsTheConfigurationOfTheLatestUpdate() {
    InstanceSpec before = erp();
    InstanceOutputs created = type.create(before, ctx).outputs();
    InstanceSpec after = erpWith("2", "2GiB", Map.of("PLAN", "gold"), Map.of(), before.expose(), null);
    type.update(after, before, created, ctx);
    writeCustomerData();

    type.reset(after, created, ctx);

    assertThat(instance().files()).doesNotContainKey("/srv/erp/customer.db");
    assertThat(instance().config()).containsEntry("limits.memory", "2GiB").containsEntry("environment.PLAN", "gold")
        .doesNotContainKeys("environment.CUSTOMER_ID", "boot.autostart");
    assertThat(instance().running()).isTrue();
  }

  @Test
  void i7_aRootDiskSizeGivesTheInstanceItsOwnRootDeviceAndGrowsInPlace() {
    InstanceSpec small = erpWith("1", "256MiB", erp().environment(), erp().config(), erp().expose(), "20GiB");
    InstanceOutputs created = type.create(small, ctx).outputs();
    assertThat(instance().devices()).containsEntry("root",
        Map.of("type", "disk", "path", "/", "pool", "default", "size", "20GiB"));

    type.update(erpWith("1", "256MiB", erp().environment(), erp().config(), erp().expose(), "40GiB"), small, created,
        ctx);

    assertThat(instance().devices().get("root")).containsEntry("size", "40GiB");
    assertThat(fake.calls(IncusFake.PATCH_INSTANCE)).isEqualTo(1);
  }

  @Test
  void i7_aStoragePoolLetsAnInstanceBeMadeInAProjectWhoseProfileHasNoRootDisk() {
    fake.project("bare", Map.of());
    IncusConfig bare = new IncusConfig(null, fake.baseUrl(), null, null, null, "bare", null, null, null, null);
    InstanceSpec pooled = new InstanceSpec("test-image", null, null, null, null, null, null, null, null, null, null,
        null, null, null, "10GiB", "default");

    type.create(pooled, ctx.newBuilder().config(bare).build());

    assertThat(fake.instance("bare", NAME).orElseThrow().devices()).containsEntry("root",
        Map.of("type", "disk", "path", "/", "pool", "default", "size", "10GiB"));
  }

  // ------------------------------------------------------------------------------------------ through the engine

  static final String BLUEPRINT = """
      blueprint: erp-update
      vars:
        memory: 256MiB
        plan: basic
        helperImage: test-image
      resources:
        erp:
          type: incus.instance
          kinds: [demo, live]
          params:
            image: test-image
            memory: ${vars.memory}
            environment: {CUSTOMER_ID: "${tenant.id}", PLAN: "${vars.plan}"}
            init:
              - command: [/bin/touch, /srv/erp/initialised]
        helper:
          type: incus.instance
          kinds: [demo, live]
          params:
            image: ${vars.helperImage}
            environment: {ERP_ADDRESS: "${erp.name}"}
      """;

  Tenantwright engine() {
    return Tenantwright.builder()
        .embedded(dir)
        .classpathPlugins(false)
        .resourceType(new IncusInstanceType())
        .pluginConfig("incus", Map.of("url", fake.baseUrl(), "addressTimeoutSeconds", 0))
        .blueprint(Blueprint.fromYaml("erp-update", BLUEPRINT))
        .build();
  }

  @Test
  void i3_upgradingALiveCustomersMemoryIsPlannedAsAnUpdateAndNeedsNoApproval() {
    try (Tenantwright tw = engine()) {
      Tenant t = tw.tenants().create(NewTenant.company("ACME Corporation").email("ops@acme.example"));
      Run live = tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(Duration.ofMinutes(1));
      assertThat(live.state()).as(String.valueOf(live.error())).isEqualTo(RunState.SUCCEEDED);
      String name = t.id() + "--live--erp";
      IncusClients.forConfig(new IncusConfig(null, fake.baseUrl(), null, null, null, null, null, null, 0, null))
          .exec(name, List.of("/bin/touch", "/srv/erp/customer.db"), Map.of(), null, null, null, "data", ctx);
      long execs = fake.calls(IncusFake.EXEC);

      RunOptions upgrade = RunOptions.defaults().parameter("memory", "4GiB").parameter("plan", "gold");
      Plan plan = tw.environments().plan(t.id(), "live", RunKind.UPDATE, upgrade);
      assertThat(plan.steps()).filteredOn(s -> s.name().equals("erp")).singleElement()
          .satisfies(s -> assertThat(s.action()).isEqualTo(StepAction.UPDATE));
      Run updated = tw.environments().update(t.id(), "live", upgrade).await(Duration.ofMinutes(1));

      assertThat(updated.state()).as(String.valueOf(updated.error())).isEqualTo(RunState.SUCCEEDED);
      InstanceView inst = fake.instance("default", name).orElseThrow();
      assertThat(inst.config()).containsEntry("limits.memory", "4GiB").containsEntry("environment.PLAN", "gold");
      assertThat(inst.files()).containsKeys("/srv/erp/initialised", "/srv/erp/customer.db");
      assertThat(fake.calls(IncusFake.EXEC)).as("init commands do not run again").isEqualTo(execs);
      assertThat(fake.calls(IncusFake.DELETE_INSTANCE)).isZero();
    }
  }

  @Test
  void i3_aFailedUpdateRunRollsTheInstanceBackToItsPreviousConfiguration() {
    try (Tenantwright tw = engine()) {
      Tenant t = tw.tenants().create(NewTenant.company("ACME Corporation").email("ops@acme.example"));
      Run demo = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(Duration.ofMinutes(1));
      assertThat(demo.state()).as(String.valueOf(demo.error())).isEqualTo(RunState.SUCCEEDED);
      String name = t.id() + "--demo--erp";
      Map<String, String> before = fake.instance("default", name).orElseThrow().config();

      // erp updates in place, then the helper's image change is refused: the run rolls back.
      Run failed = tw.environments().update(t.id(), "demo", RunOptions.defaults().parameter("memory", "4GiB")
          .parameter("plan", "gold").parameter("helperImage", "other-image")).await(Duration.ofMinutes(1));

      assertThat(failed.state()).as(String.valueOf(failed.error())).isEqualTo(RunState.ROLLED_BACK);
      assertThat(fake.requests(IncusFake.PATCH_INSTANCE)).as("forward and back").hasSize(2);
      assertThat(fake.instance("default", name).orElseThrow().config()).isEqualTo(before);
    }
  }
}
