package dev.tenantwright.plugin.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.plugin.incus.InstanceSpec.Expose;
import dev.tenantwright.plugin.incus.InstanceSpec.InitCommand;
import dev.tenantwright.plugin.incus.internal.IncusClients;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.incus.ExecCall;
import dev.tenantwright.testkit.incus.ExecResult;
import dev.tenantwright.testkit.incus.InstanceView;
import dev.tenantwright.testkit.incus.IncusFake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IncusInstanceTypeTest {

  static final String NAME = "acme--demo--erp";
  static final Secret ADMIN_PASSWORD = Secret.of("s3cret-Admin-Pw");

  final IncusFake fake = new IncusFake();
  final IncusInstanceType type = new IncusInstanceType();
  IncusConfig config;
  TestStepContext ctx;

  @BeforeEach
  void connect() {
    config = new IncusConfig(null, fake.baseUrl(), null, null, null, null, null, null, null, null);
    ctx = TestStepContext.builder().step("erp").config(config).budget(Duration.ofMinutes(1)).build();
  }

  /** The step with a clock that moves 50 ms on every read, so waiting on the fake reaches the deadline. */
  TestStepContext ticking(Duration budget) {
    return ctx.newBuilder().tick(Duration.ofMillis(50)).budget(budget).build();
  }

  @AfterEach
  void contractAndClose() {
    try {
      fake.assertContractRespected();
    } finally {
      fake.close();
    }
  }

  static InstanceSpec erp(List<InitCommand> init) {
    return new InstanceSpec("test-image", null, null, null, null, null, "1", "256MiB",
        Map.of("CUSTOMER_ID", "acme", "COMPANY_NAME", "ACME Corporation"), Map.of("ADMIN_PASSWORD", ADMIN_PASSWORD),
        Map.of("boot.autostart", "true"), init, List.of(Expose.tcp(24001, 8080)), null, null, null);
  }

  static InstanceSpec erp() {
    return erp(List.of(InitCommand.of("/bin/mkdir", "-p", "/srv/erp"),
        new InitCommand(List.of("/opt/erp/init", "--customer", "acme"), Map.of("LANG", "C.UTF-8"), "/srv/erp", 0, 0)));
  }

  InstanceView instance() {
    return fake.instance("default", NAME).orElseThrow();
  }

  @Test
  void createsStartsInitialisesAndSnapshotsAnInstanceWithItsPortAndMarker() {
    CreateResult<InstanceOutputs> result = type.create(erp(), ctx);

    assertThat(result.origin()).isEqualTo(CreateResult.Origin.CREATED);
    InstanceOutputs out = result.outputs();
    assertThat(out.name()).isEqualTo(NAME);
    assertThat(out.project()).isEqualTo("default");
    assertThat(out.status()).isEqualTo("Running");
    assertThat(out.ipv4()).startsWith("10.77.0.");
    assertThat(out.url()).isEqualTo("http://127.0.0.1:24001/");
    assertThat(out.urls()).containsExactly("http://127.0.0.1:24001/");

    InstanceView inst = instance();
    assertThat(inst.running()).isTrue();
    assertThat(inst.snapshots()).containsExactly(IncusInstanceType.BASELINE);
    assertThat(inst.config())
        .containsEntry(InstanceSpec.OWNER_KEY, ctx.ownershipMarker())
        .containsEntry("environment.CUSTOMER_ID", "acme")
        .containsEntry("environment.COMPANY_NAME", "ACME Corporation")
        .containsEntry("limits.cpu", "1")
        .containsEntry("limits.memory", "256MiB")
        .containsEntry("boot.autostart", "true")
        .doesNotContainValue(ADMIN_PASSWORD.reveal());
    assertThat(inst.devices()).containsExactly(Map.entry("tw-tcp-24001",
        Map.of("type", "proxy", "listen", "tcp:127.0.0.1:24001", "connect", "tcp:127.0.0.1:8080")));

    List<ExecCall> execs = fake.execs();
    assertThat(execs).extracting(ExecCall::command).containsExactly(
        List.of("/bin/mkdir", "-p", "/srv/erp"), List.of("/opt/erp/init", "--customer", "acme"));
    assertThat(execs.get(0).requestEnvironment()).containsExactly(Map.entry("ADMIN_PASSWORD", ADMIN_PASSWORD.reveal()));
    assertThat(execs.get(1).requestEnvironment()).containsEntry("LANG", "C.UTF-8");
    assertThat(execs.get(1).environment()).containsEntry("CUSTOMER_ID", "acme");
    assertThat(execs.get(1).cwd()).isEqualTo("/srv/erp");
    assertThat(fake.calls(IncusFake.DELETE_EXEC_OUTPUT)).as("recorded output is cleaned up").isEqualTo(4);
    assertThat(fake.requests()).allSatisfy(c -> assertThat(c.query()).contains("project=default"));
    assertThat(ctx.progressReports())
        .anySatisfy(p -> assertThat(p).contains("init command 2 of 2 (/opt/erp/init)"));
  }

  @Test
  void aSecondCreateConvergesWithoutRunningInitAgain() {
    type.create(erp(), ctx);
    long creates = fake.calls(IncusFake.CREATE_INSTANCE);

    CreateResult<InstanceOutputs> again = type.create(erp(), ctx);

    assertThat(again.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(again.outputs().url()).isEqualTo("http://127.0.0.1:24001/");
    assertThat(fake.calls(IncusFake.CREATE_INSTANCE)).isEqualTo(creates);
    assertThat(fake.execs()).hasSize(2);
    assertThat(fake.liveObjects()).hasSize(1);
  }

  @Test
  void anInstanceLeftHalfMadeByACrashIsFinishedByTheNextAttempt() {
    fake.plantInstance("default", NAME, Map.of(InstanceSpec.OWNER_KEY, ctx.ownershipMarker()), false, List.of());

    CreateResult<InstanceOutputs> result = type.create(erp(), ctx);

    assertThat(result.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(instance().running()).isTrue();
    assertThat(instance().snapshots()).containsExactly(IncusInstanceType.BASELINE);
    assertThat(fake.execs()).hasSize(2);
  }

  @Test
  void anInstanceOfAnotherRunOfTheSameResourceIsAdoptedAsItIs() {
    TestStepContext earlier = ctx.inRun("run-2");
    fake.plantInstance("default", NAME, Map.of(InstanceSpec.OWNER_KEY, earlier.ownershipMarker()), true,
        List.of(IncusInstanceType.BASELINE));

    CreateResult<InstanceOutputs> result = type.create(erp(), ctx);

    assertThat(result.origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(fake.execs()).isEmpty();
    assertThat(fake.calls(IncusFake.CREATE_INSTANCE)).isZero();
    assertThat(fake.calls(IncusFake.CREATE_SNAPSHOT)).isZero();
  }

  @Test
  void aForeignInstanceWithTheSameNameIsAConflictAndLeftAlone() {
    fake.plantInstance("default", NAME, Map.of("user.owner", "someone"), true, List.of());

    assertThatThrownBy(() -> type.create(erp(), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("instance " + NAME + " already exists in project default")
        .hasMessageContaining("not managed by this Tenantwright resource");

    type.delete(erp(), null, ctx);
    assertThat(instance().running()).isTrue();
    assertThat(type.read(erp(), null, ctx)).isEmpty();
  }

  @Test
  void aSynchronous500AlreadyExistsAfterARaceFindsOurInstance() {
    fake.plantInstance("default", NAME, Map.of(InstanceSpec.OWNER_KEY, ctx.ownershipMarker()), false, List.of());
    fake.inject(Fault.status(404).on(IncusFake.GET_INSTANCE).times(1));

    CreateResult<InstanceOutputs> result = type.create(erp(), ctx);

    assertThat(result.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.requests(IncusFake.CREATE_INSTANCE)).singleElement().satisfies(c -> assertThat(c.status()).isEqualTo(500));
    assertThat(instance().snapshots()).containsExactly(IncusInstanceType.BASELINE);
  }

  @Test
  void incus60sFailedCreateOperationForATakenNameAlsoFindsOurInstance() {
    fake.duplicateCreateFailsInOperation(true);
    fake.plantInstance("default", NAME, Map.of(InstanceSpec.OWNER_KEY, ctx.ownershipMarker()), false, List.of());
    fake.inject(Fault.status(404).on(IncusFake.GET_INSTANCE).times(1));

    assertThat(type.create(erp(), ctx).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.requests(IncusFake.CREATE_INSTANCE)).singleElement().satisfies(c -> assertThat(c.status()).isEqualTo(202));
    assertThat(fake.liveObjects()).hasSize(1);
  }

  @Test
  void aFailingInitCommandFailsPermanentlyNamesItAndRemovesTheInstance() {
    fake.onExec((call, files) -> call.programName().equals("init")
        ? ExecResult.output(3, "", "could not connect as admin/" + call.environment().get("ADMIN_PASSWORD")
            + " for ACME Corporation")
        : ExecResult.ok());

    assertThatThrownBy(() -> type.create(erp(), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("init command 2 of 2 (/opt/erp/init)")
        .hasMessageContaining("exited with code 3")
        .hasMessageContaining("could not connect as admin/******")
        .satisfies(e -> assertThat(e.getMessage())
            .doesNotContain(ADMIN_PASSWORD.reveal())
            .doesNotContain("ACME Corporation")
            .doesNotContain("--customer"));
    fake.assertNothingLeaked();
  }

  @Test
  void aMissingInitProgramFailsPermanentlyAndRemovesTheInstance() {
    fake.onExec((call, files) -> call.programName().equals("init") ? ExecResult.notFound() : ExecResult.ok());

    assertThatThrownBy(() -> type.create(erp(), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("init command 2 of 2 (/opt/erp/init)")
        .hasMessageContaining("Command not found");
    fake.assertNothingLeaked();
  }

  @Test
  void aHostPortHeldByAnotherInstanceFailsTheStartAndRemovesTheInstance() {
    type.create(erp(), ctx);
    TestStepContext second = ctx.newBuilder().step("erp2").build();

    assertThatThrownBy(() -> type.create(erp(), second))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("start instance acme--demo--erp2 failed")
        .hasMessageContaining("address already in use");
    assertThat(fake.instance("default", "acme--demo--erp2")).isEmpty();
  }

  @Test
  void a5xxOnCreateIsRetryableWithAnUnknownOutcomeAndLeavesNothing() {
    fake.inject(Fault.status(503).on(IncusFake.CREATE_INSTANCE).times(1));

    assertThatThrownBy(() -> type.create(erp(), ctx))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.outcomeUnknown()).isTrue());
    fake.assertNothingLeaked();
    assertThat(type.create(erp(), ctx).origin()).isEqualTo(CreateResult.Origin.CREATED);
  }

  @Test
  void aTimeoutAfterTheCreateWentOutIsRetryableWithAnUnknownOutcomeAndTheRetryConverges() {
    IncusConfig quick = new IncusConfig(null, fake.baseUrl(), null, null, null, null, null, null, null, 1);
    fake.inject(Fault.timeout(Duration.ofSeconds(3)).on(IncusFake.CREATE_INSTANCE).afterHandler().times(1));

    assertThatThrownBy(() -> type.create(erp(), ctx.newBuilder().config(quick).build()))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.outcomeUnknown()).isTrue());
    assertThat(fake.instance("default", NAME)).as("the create took effect").isPresent();

    assertThat(type.create(erp(), ctx.newBuilder().config(quick).build()).origin())
        .isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.liveObjects()).hasSize(1);
    assertThat(fake.execs()).hasSize(2);
    assertThat(instance().snapshots()).containsExactly(IncusInstanceType.BASELINE);
  }

  @Test
  void aTransientFailureWhileWaitingIsRetriedInPlace() {
    fake.inject(Fault.status(503).on(IncusFake.WAIT_OPERATION).times(2));
    fake.inject(Fault.connectionReset().on(IncusFake.WAIT_OPERATION).nth(5).times(1));

    assertThat(type.create(erp(), ticking(Duration.ofMinutes(1))).outputs().status()).isEqualTo("Running");
  }

  @Test
  void anOperationThatOutlivesTheDeadlineIsRetryableWithAnUnknownOutcome() {
    fake.operationsRunFor(1_000_000);

    assertThatThrownBy(() -> type.create(erp(), ticking(Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(RetryableException.class, e -> {
          assertThat(e.outcomeUnknown()).isTrue();
          assertThat(e).hasMessageContaining("still running at the step's deadline");
        });
  }

  @Test
  void anOperationForgottenBeforeItWasReadIsRetryableAndTheRetryConverges() {
    fake.operationRetention(Duration.ZERO);

    assertThatThrownBy(() -> type.create(erp(), ctx))
        .isInstanceOfSatisfying(RetryableException.class, e -> {
          assertThat(e.outcomeUnknown()).isTrue();
          assertThat(e).hasMessageContaining("vanished");
        });

    fake.operationRetention(Duration.ofSeconds(5));
    assertThat(type.create(erp(), ctx).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.liveObjects()).hasSize(1);
  }

  @Test
  void aFailedOperationIsPermanentInBothEnvelopesAndTheHalfMadeInstanceIsRemoved() {
    fake.failNextOperation(IncusFake.CREATE_SNAPSHOT, "Create instance snapshot: disk full");
    assertThatThrownBy(() -> type.create(erp(), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("snapshot instance " + NAME + " as tw-baseline failed: Create instance snapshot: disk full");
    fake.assertNothingLeaked();

    fake.failedWaitsAsErrorEnvelope(false);
    fake.failNextOperation(IncusFake.PUT_STATE, "Failed to start: no cgroup");
    assertThatThrownBy(() -> type.create(erp(), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("start instance " + NAME + " failed: Failed to start: no cgroup");
    fake.assertNothingLeaked();
  }

  @Test
  void aFailedCreateOperationIsPermanent() {
    InstanceSpec unknownImage = new InstanceSpec("no-such-image", null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null);

    assertThatThrownBy(() -> type.create(unknownImage, ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("create instance " + NAME + " failed: Image not provided for instance creation");
    fake.assertNothingLeaked();
  }

  @Test
  void readReportsTheInstanceOnlyOnceProvisionedAndOnlyIfItBelongsHere() {
    assertThat(type.read(erp(), null, ctx)).isEmpty();
    fake.plantInstance("default", NAME, Map.of(InstanceSpec.OWNER_KEY, ctx.ownershipMarker()), true, List.of());
    assertThat(type.read(erp(), null, ctx)).as("no baseline yet").isEmpty();

    InstanceOutputs created = type.create(erp(), ctx).outputs();
    assertThat(type.read(erp(), created, ctx)).contains(created);

    type.delete(erp(), created, ctx);
    assertThat(type.read(erp(), created, ctx)).isEmpty();
  }

  @Test
  void deleteStopsByForceDeletesAndToleratesWhatIsAlreadyDone() {
    InstanceOutputs out = type.create(erp(), ctx).outputs();

    type.delete(erp(), out, ctx);
    type.delete(erp(), out, ctx);

    fake.assertNothingLeaked();
    assertThat(fake.requests(IncusFake.PUT_STATE)).filteredOn(c -> c.body().contains("\"stop\""))
        .singleElement().satisfies(c -> assertThat(c.body()).contains("\"force\":true"));
  }

  @Test
  void deleteCarriesOnWhenTheInstanceStoppedMeanwhile() {
    InstanceOutputs out = type.create(erp(), ctx).outputs();
    fake.failNextOperation(IncusFake.PUT_STATE, "The instance is already stopped");
    // The failed operation leaves the instance running; Incus then refuses the delete, which is retryable.
    assertThatThrownBy(() -> type.delete(erp(), out, ctx))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e).hasMessageContaining("running again"));

    type.delete(erp(), out, ctx);
    fake.assertNothingLeaked();
  }

  @Test
  void resetRestoresTheBaselineSoLaterFilesAreGoneAndThePortStays() {
    InstanceOutputs out = type.create(erp(List.of(InitCommand.of("/bin/touch", "/srv/erp/initialised"))), ctx)
        .outputs();
    fake.onExec(IncusFake.BUILT_IN);
    dirty();
    assertThat(instance().files()).containsKeys("/srv/erp/initialised", "/root/test-data");

    InstanceOutputs afterReset = type.reset(erp(), out, ctx);
    InstanceOutputs again = type.reset(erp(), out, ctx);

    assertThat(instance().files()).containsOnlyKeys("/srv/erp/initialised");
    assertThat(instance().running()).isTrue();
    assertThat(instance().devices()).containsOnlyKeys("tw-tcp-24001");
    assertThat(afterReset).isEqualTo(out);
    assertThat(again).isEqualTo(out);
  }

  @Test
  void resetStartsAStoppedInstanceAfterRestoring() {
    InstanceOutputs out = type.create(erp(), ctx).outputs();
    type.delete(erp(), out, ctx.inRun("run-2"));
    fake.plantInstance("default", NAME, Map.of(InstanceSpec.OWNER_KEY, ctx.ownershipMarker()), false,
        List.of(IncusInstanceType.BASELINE));

    assertThat(type.reset(erp(), out, ctx).status()).isEqualTo("Running");
  }

  @Test
  void resetWithoutAnInstanceOrABaselineFailsPermanently() {
    assertThatThrownBy(() -> type.reset(erp(), null, ctx))
        .isInstanceOf(PermanentException.class).hasMessageContaining("nothing to reset");
    fake.plantInstance("default", NAME, Map.of(InstanceSpec.OWNER_KEY, ctx.ownershipMarker()), true, List.of());
    assertThatThrownBy(() -> type.reset(erp(), null, ctx))
        .isInstanceOf(PermanentException.class).hasMessageContaining("no baseline snapshot 'tw-baseline'");
  }

  @Test
  void everyCallNamesTheConfiguredProjectAndPublicHost() {
    fake.project("customers");
    IncusConfig other = new IncusConfig(null, fake.baseUrl(), null, null, null, "customers", "0.0.0.0",
        "erp.example.com", 0, null);

    InstanceOutputs out = type.create(erp(), ctx.newBuilder().config(other).build()).outputs();

    assertThat(out.project()).isEqualTo("customers");
    assertThat(out.url()).isEqualTo("http://erp.example.com:24001/");
    assertThat(fake.instance("customers", NAME).orElseThrow().devices().get("tw-tcp-24001"))
        .containsEntry("listen", "tcp:0.0.0.0:24001");
    assertThat(fake.instance("default", NAME)).isEmpty();
    assertThat(fake.requests()).allSatisfy(c -> assertThat(c.query()).contains("project=customers"));
  }

  @Test
  void anImageFingerprintAndARemoteImageAreSentAsTheirSources() {
    type.create(new InstanceSpec(null, IncusFake.DEFAULT_IMAGE_FINGERPRINT.substring(0, 12), null, null, null,
        null, null, null, null, null, null, null, null, null, null, null), ctx);
    assertThat(fake.requests(IncusFake.CREATE_INSTANCE).get(0).body())
        .contains("\"source\":{\"type\":\"image\",\"fingerprint\":\"abe2ce11c7e0\"}");

    type.create(new InstanceSpec("debian/12", null, "https://images.linuxcontainers.org", null, null, null, null,
        null, null, null, null, null, null, null, null, null), ctx.newBuilder().step("web").build());
    assertThat(fake.requests(IncusFake.CREATE_INSTANCE).get(1).body()).contains("\"alias\":\"debian/12\"",
        "\"server\":\"https://images.linuxcontainers.org\"", "\"protocol\":\"simplestreams\"", "\"mode\":\"pull\"");
  }

  // ------------------------------------------------------------------------------------------ review findings

  static InstanceSpec vm(List<InitCommand> init) {
    return new InstanceSpec("test-image", null, null, null, "virtual-machine", null, "2", "1GiB",
        Map.of("CUSTOMER_ID", "acme"), null, null, init, null, null, null, null);
  }

  @Test
  void i2_initCommandsOfAVirtualMachineWaitForItsAgentInsteadOfFailing() {
    fake.vmAgentStartsAfter(3);

    CreateResult<InstanceOutputs> result = type.create(vm(List.of(InitCommand.of("/bin/touch", "/srv/initialised"))),
        ctx);

    assertThat(result.outputs().status()).isEqualTo("Running");
    assertThat(instance().files()).containsKey("/srv/initialised");
    assertThat(instance().snapshots()).containsExactly(IncusInstanceType.BASELINE);
    assertThat(fake.requests(IncusFake.EXEC)).hasSize(4);
    assertThat(ctx.pauses()).isNotEmpty();
  }

  @Test
  void i2_aVirtualMachineWhoseAgentNeverComesUpIsRetryableAtTheDeadlineAndKept() {
    fake.vmAgentStartsAfter(1_000_000);

    assertThatThrownBy(() -> type.create(vm(List.of(InitCommand.of("/bin/true"))), ticking(Duration.ofSeconds(20))))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e)
            .hasMessageContaining("VM agent isn't currently running"));
    assertThat(fake.instance("default", NAME)).as("the VM is still booting: not half-made, not deleted").isPresent();
  }

  static InstanceSpec withReadiness(List<String> readiness) {
    InstanceSpec base = erp();
    return new InstanceSpec(base.image(), null, null, null, null, null, base.cpu(), base.memory(), base.environment(),
        base.initSecrets(), base.config(), base.init(), base.expose(), readiness, null, null);
  }

  @Test
  void i2_initCommandsWaitUntilTheReadinessCommandSucceeds() {
    AtomicInteger checks = new AtomicInteger();
    fake.onExec((call, files) -> call.programName().equals("systemctl")
        ? (checks.incrementAndGet() < 3 ? ExecResult.output(1, "", "starting") : ExecResult.output(0, "running", ""))
        : IncusFake.BUILT_IN.handle(call, files));

    type.create(withReadiness(List.of("systemctl", "is-system-running", "--wait")), ctx);

    assertThat(fake.execs()).extracting(ExecCall::programName)
        .containsExactly("systemctl", "systemctl", "systemctl", "mkdir", "init");
    assertThat(ctx.pauses()).contains(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(instance().snapshots()).containsExactly(IncusInstanceType.BASELINE);
  }

  @Test
  void i2_anInstanceThatNeverGetsReadyIsRetryableKeptAndFinishedByTheNextAttempt() {
    AtomicBoolean ready = new AtomicBoolean();
    fake.onExec((call, files) -> call.programName().equals("cloud-init")
        ? ExecResult.output(ready.get() ? 0 : 1, "", "status: running")
        : IncusFake.BUILT_IN.handle(call, files));
    InstanceSpec spec = withReadiness(List.of("cloud-init", "status", "--wait"));

    assertThatThrownBy(() -> type.create(spec, ticking(Duration.ofSeconds(20))))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e)
            .hasMessageContaining("is not ready by the step's deadline")
            .hasMessageContaining("readiness check (cloud-init) exited with code 1")
            .hasMessageContaining("status: running"));
    assertThat(instance().snapshots()).isEmpty();
    assertThat(fake.execs()).extracting(ExecCall::programName).containsOnly("cloud-init");

    ready.set(true);
    assertThat(type.create(spec, ctx).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(instance().snapshots()).containsExactly(IncusInstanceType.BASELINE);
  }

  @Test
  void i5_aCreateStillRunningInIncusIsWaitedForAndNeverStartedOrDeleted() {
    fake.operationsRunFor(1_000_000);
    assertThatThrownBy(() -> type.create(erp(), ticking(Duration.ofSeconds(2))))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.outcomeUnknown()).isTrue());

    // The next attempt finds the record while Incus still unpacks the image: it must wait, not start or delete it.
    assertThatThrownBy(() -> type.create(erp(), ticking(Duration.ofSeconds(2))))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e).hasMessageContaining("still creating"));
    assertThat(fake.instance("default", NAME)).isPresent();
    assertThat(fake.calls(IncusFake.PUT_STATE)).isZero();
    assertThat(fake.calls(IncusFake.DELETE_INSTANCE)).isZero();

    fake.operationsRunFor(0).finishRunningOperations();
    assertThat(type.create(erp(), ctx).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.calls(IncusFake.CREATE_INSTANCE)).isEqualTo(1);
    assertThat(instance().snapshots()).containsExactly(IncusInstanceType.BASELINE);
  }

  @Test
  void i5_aRemoteImageStillDownloadingIsNotCreatedASecondTime() {
    InstanceSpec remote = new InstanceSpec("debian/12", null, "https://images.linuxcontainers.org", null, null, null,
        null, null, null, null, null, List.of(InitCommand.of("/bin/true")), null, null, null, null);
    fake.operationsRunFor(1_000_000);
    assertThatThrownBy(() -> type.create(remote, ticking(Duration.ofSeconds(2))))
        .isInstanceOf(RetryableException.class);
    assertThat(fake.instance("default", NAME)).as("Incus writes the record after the download").isEmpty();

    assertThatThrownBy(() -> type.create(remote, ticking(Duration.ofSeconds(2))))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e).hasMessageContaining("still creating"));
    assertThat(fake.calls(IncusFake.CREATE_INSTANCE)).isEqualTo(1);

    fake.operationsRunFor(0).finishRunningOperations();
    assertThat(type.create(remote, ctx).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.calls(IncusFake.CREATE_INSTANCE)).isEqualTo(1);
  }

  @Test
  void i5_deleteWaitsForACreateIncusIsStillRunningInsteadOfFailingPermanently() {
    fake.operationsRunFor(1_000_000);
    assertThatThrownBy(() -> type.create(erp(), ticking(Duration.ofSeconds(2)))).isInstanceOf(RetryableException.class);

    assertThatThrownBy(() -> type.delete(erp(), null, ticking(Duration.ofSeconds(2))))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e).hasMessageContaining("still creating"));
    assertThat(fake.instance("default", NAME)).isPresent();

    fake.operationsRunFor(0).finishRunningOperations();
    type.delete(erp(), null, ctx);
    fake.assertNothingLeaked();
  }

  @Test
  void i6_aProjectWhoseDefaultProfileHasNoRootDiskIsExplainedBeforeAnythingIsCreated() {
    fake.project("tenants", Map.of());
    IncusConfig tenants = new IncusConfig(null, fake.baseUrl(), null, null, null, "tenants", null, null, null, null);

    assertThatThrownBy(() -> type.create(erp(), ctx.newBuilder().config(tenants).build()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("no root disk")
        .hasMessageContaining("project tenants")
        .hasMessageContaining("features.profiles");
    assertThat(fake.calls(IncusFake.CREATE_INSTANCE)).isZero();
  }

  /** A user of the instance writes data after provisioning. */
  private void dirty() {
    IncusClients.forConfig(config).exec(NAME, List.of("/bin/touch", "/root/test-data"), Map.of(), null, null, null,
        "write test data", ctx);
  }
}
