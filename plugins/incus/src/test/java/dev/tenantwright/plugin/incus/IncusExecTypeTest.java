package dev.tenantwright.plugin.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.plugin.incus.InstanceSpec.InitCommand;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.incus.ExecCall;
import dev.tenantwright.testkit.incus.ExecResult;
import dev.tenantwright.testkit.incus.InstanceView;
import dev.tenantwright.testkit.incus.IncusFake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IncusExecTypeTest {

  static final String ERP = "acme--demo--erp";
  static final String SAMPLE = "/srv/erp/data/sample.csv";
  static final String KEY = IncusExecType.MARK_PREFIX + "sample-data";
  static final Secret TOKEN = Secret.of("s3cret-Loader-Token");

  final IncusFake fake = new IncusFake();
  final IncusExecType type = new IncusExecType();
  TestStepContext erpCtx;
  TestStepContext ctx;

  @BeforeEach
  void provisionTheInstance() {
    IncusConfig config = new IncusConfig(null, fake.baseUrl(), null, null, null, null, null, null, 0, null);
    erpCtx = TestStepContext.builder().step("erp").config(config).budget(Duration.ofMinutes(1)).build();
    ctx = erpCtx.newBuilder().step("sample-data").build();
    new IncusInstanceType().create(new InstanceSpec("test-image", null, null, null, null, null, null, "256MiB",
        Map.of("CUSTOMER_ID", "acme"), null, null, List.of(InitCommand.of("/bin/touch", "/srv/erp/initialised")),
        null, null, null, null), erpCtx);
  }

  @AfterEach
  void contractAndClose() {
    try {
      fake.assertContractRespected();
    } finally {
      fake.close();
    }
  }

  static ExecSpec sample(String file) {
    return new ExecSpec(ERP, List.of(new InitCommand(List.of("/bin/touch", file), Map.of("RECORDS", "25"), null, null,
        null)), List.of(InitCommand.of("/bin/rm", "-f", file)), Map.of("LOADER_TOKEN", TOKEN));
  }

  InstanceView erp() {
    return fake.instance("default", ERP).orElseThrow();
  }

  List<List<String>> execsAfterInit() {
    return fake.execs().stream().map(ExecCall::command)
        .filter(c -> !c.equals(List.of("/bin/touch", "/srv/erp/initialised"))).toList();
  }

  @Test
  void runsItsCommandsInTheInstanceAndRecordsThatTheyRan() {
    CreateResult<ExecOutputs> created = type.create(sample(SAMPLE), ctx);

    assertThat(created.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(created.outputs()).isEqualTo(new ExecOutputs(ERP, "default"));
    assertThat(erp().files()).containsKey(SAMPLE);
    ExecCall call = fake.execs().get(fake.execs().size() - 1);
    assertThat(call.command()).containsExactly("/bin/touch", SAMPLE);
    assertThat(call.requestEnvironment()).containsEntry("RECORDS", "25")
        .containsEntry("LOADER_TOKEN", TOKEN.reveal());
    assertThat(erp().config().get(KEY)).startsWith(ctx.ownershipMarker() + "#")
        .doesNotContain(TOKEN.reveal());
    assertThat(erp().config()).doesNotContainValue(TOKEN.reveal());
    assertThat(type.read(sample(SAMPLE), created.outputs(), ctx)).contains(created.outputs());
  }

  @Test
  void aSecondCreateRunsNothing() {
    type.create(sample(SAMPLE), ctx);
    int execs = fake.execs().size();

    CreateResult<ExecOutputs> again = type.create(sample(SAMPLE), ctx.withAttempt(2));

    assertThat(again.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.execs()).hasSize(execs);
  }

  @Test
  void anUpdateThatLeavesTheCommandsAsTheyWereRunsNothing() {
    ExecOutputs out = type.create(sample(SAMPLE), ctx).outputs();
    int execs = fake.execs().size();
    long patches = fake.calls(IncusFake.PATCH_INSTANCE);

    assertThat(type.update(sample(SAMPLE), sample(SAMPLE), out, ctx.inRun("run-2"))).isEqualTo(out);

    assertThat(fake.execs()).hasSize(execs);
    assertThat(fake.calls(IncusFake.PATCH_INSTANCE)).isEqualTo(patches);
  }

  @Test
  void anUpdateWithOtherCommandsUndoesThePreviousOnesFirst() {
    ExecOutputs out = type.create(sample(SAMPLE), ctx).outputs();

    type.update(sample("/srv/erp/data/other.csv"), sample(SAMPLE), out, ctx.inRun("run-2"));

    assertThat(execsAfterInit()).containsExactly(List.of("/bin/touch", SAMPLE), List.of("/bin/rm", "-f", SAMPLE),
        List.of("/bin/touch", "/srv/erp/data/other.csv"));
    assertThat(erp().files()).containsKey("/srv/erp/data/other.csv").doesNotContainKey(SAMPLE);
    assertThat(erp().config().get(KEY)).startsWith(ctx.inRun("run-2").ownershipMarker() + "#")
        .endsWith("#" + IncusExecType.digest(sample("/srv/erp/data/other.csv")));
  }

  @Test
  void resetAfterTheInstancesRestoreRunsTheCommandsAgain() {
    ExecOutputs out = type.create(sample(SAMPLE), ctx).outputs();
    InstanceSpec erpSpec = new InstanceSpec("test-image", null, null, null, null, null, null, "256MiB",
        Map.of("CUSTOMER_ID", "acme"), null, null, List.of(InitCommand.of("/bin/touch", "/srv/erp/initialised")),
        null, null, null, null);
    new IncusInstanceType().reset(erpSpec, null, erpCtx);
    assertThat(erp().files()).doesNotContainKey(SAMPLE);
    assertThat(erp().config()).doesNotContainKey(KEY);
    assertThat(type.read(sample(SAMPLE), out, ctx)).isEmpty();

    type.reset(sample(SAMPLE), out, ctx);

    assertThat(erp().files()).containsKey(SAMPLE);
    assertThat(erp().config()).containsKey(KEY);
    assertThat(execsAfterInit()).as("nothing to undo after the restore")
        .containsExactly(List.of("/bin/touch", SAMPLE), List.of("/bin/touch", SAMPLE));
  }

  @Test
  void deleteRunsTheUndoCommandsAndRemovesTheRecord() {
    ExecOutputs out = type.create(sample(SAMPLE), ctx).outputs();

    type.delete(sample(SAMPLE), out, ctx);
    type.delete(sample(SAMPLE), out, ctx);

    assertThat(erp().files()).doesNotContainKey(SAMPLE).containsKey("/srv/erp/initialised");
    assertThat(erp().config()).doesNotContainKey(KEY);
    assertThat(type.read(sample(SAMPLE), out, ctx)).isEmpty();
  }

  @Test
  void deleteIsDoneWhenTheInstanceIsGoneAndKeepsTheFilesOfAStoppedOne() {
    ExecOutputs out = type.create(sample(SAMPLE), ctx).outputs();
    fake.plantInstance("default", "acme--demo--stopped", Map.of(InstanceSpec.OWNER_KEY, "tw:acme/demo/erp@x",
        KEY, ctx.ownershipMarker() + "#" + IncusExecType.digest(sample(SAMPLE))), false, List.of());
    ExecSpec inStopped = new ExecSpec("acme--demo--stopped", sample(SAMPLE).commands(), sample(SAMPLE).undo(), null);
    int execs = fake.execs().size();

    type.delete(inStopped, out, ctx);
    type.delete(new ExecSpec("acme--demo--gone", sample(SAMPLE).commands(), null, null), out, ctx);

    assertThat(fake.execs()).hasSize(execs);
    assertThat(fake.instance("default", "acme--demo--stopped").orElseThrow().config()).doesNotContainKey(KEY);
  }

  @Test
  void refusesAnInstanceOfAnotherTenantOrEnvironment() {
    fake.plantInstance("default", "other--demo--erp", Map.of(InstanceSpec.OWNER_KEY, "tw:other/demo/erp@x"), true,
        List.of());
    fake.plantInstance("default", "acme--demo--handmade", Map.of(), true, List.of());
    int execs = fake.execs().size();

    assertThatThrownBy(() -> type.create(new ExecSpec("other--demo--erp", sample(SAMPLE).commands(), null, null), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("incus.exec, field 'instance': other--demo--erp is not an instance of this environment");
    assertThatThrownBy(() -> type.create(new ExecSpec("acme--demo--handmade", sample(SAMPLE).commands(), null, null),
        ctx)).isInstanceOf(PermanentException.class).hasMessageContaining("not managed by Tenantwright");
    type.delete(new ExecSpec("other--demo--erp", sample(SAMPLE).commands(), sample(SAMPLE).undo(), null), null, ctx);
    assertThat(fake.execs()).hasSize(execs);
  }

  @Test
  void aFailingCommandFailsTheStepPermanentlyWithItsMaskedOutputAndRecordsNothing() {
    fake.onExec((call, files) -> call.programName().equals("load")
        ? ExecResult.output(3, "", "cannot load with token " + TOKEN.reveal() + " for 25 records")
        : IncusFake.BUILT_IN.handle(call, files));
    ExecSpec spec = new ExecSpec(ERP, List.of(InitCommand.of("/bin/touch", SAMPLE),
        new InitCommand(List.of("/opt/erp/load"), Map.of("RECORDS", "25"), null, null, null)), null,
        Map.of("LOADER_TOKEN", TOKEN));

    assertThatThrownBy(() -> type.create(spec, ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("command 2 of 2 (/opt/erp/load) in instance " + ERP + " exited with code 3")
        .hasMessageContaining("cannot load with token " + Secret.MASK)
        .hasMessageNotContaining(TOKEN.reveal());
    assertThat(erp().config()).doesNotContainKey(KEY);
  }

  @Test
  void refusesToRunInAStoppedInstance() {
    fake.plantInstance("default", "acme--demo--stopped", Map.of(InstanceSpec.OWNER_KEY, "tw:acme/demo/erp@x"), false,
        List.of());

    assertThatThrownBy(() -> type.create(new ExecSpec("acme--demo--stopped", sample(SAMPLE).commands(), null, null),
        ctx)).isInstanceOf(PermanentException.class).hasMessageContaining("is Stopped; commands run only in a running");
  }

  @Test
  void checksItsSpec() {
    assertThatThrownBy(() -> new ExecSpec(ERP, List.of(), null, null))
        .hasMessageContaining("incus.exec, field 'commands': name at least one command");
    assertThatThrownBy(() -> new ExecSpec("not_an_instance", sample(SAMPLE).commands(), null, null))
        .hasMessageContaining("incus.exec, field 'instance'");
    assertThatThrownBy(() -> new ExecSpec(ERP, sample(SAMPLE).commands(), null, Map.of("1BAD", TOKEN)))
        .hasMessageContaining("incus.exec, field 'secrets'");
  }
}
