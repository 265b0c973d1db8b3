package dev.tenantwright.plugin.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.plugin.incus.InstanceSpec.InitCommand;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.testkit.RecordedCall;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.incus.ExecResult;
import dev.tenantwright.testkit.incus.IncusFake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every request an Incus step makes — operation waits, exec output reads and the removal of a half-made instance
 * included — carries the W3C trace context of that step attempt; a step of an untraced host sends none.
 */
class IncusTraceContextTest {

  static final String ERP = "acme--demo--erp";
  static final String CREATE_TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final String EXEC_TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  static final String DELETE_TRACE = "00-5c9a3e1f7b2d4c6e8f0a1b2c3d4e5f60-1a2b3c4d5e6f7081-01";

  final IncusFake fake = new IncusFake();
  final IncusConfig config = new IncusConfig(null, fake.baseUrl(), null, null, null, null, null, null, 0, null);
  final InstanceSpec erp = new InstanceSpec("test-image", null, null, null, null, null, null, "256MiB",
      Map.of("CUSTOMER_ID", "acme"), null, null, List.of(InitCommand.of("/bin/touch", "/srv/erp/initialised")),
      null, null, null, null);
  final ExecSpec sample = new ExecSpec(ERP, List.of(InitCommand.of("/bin/touch", "/srv/erp/sample.csv")),
      List.of(InitCommand.of("/bin/rm", "-f", "/srv/erp/sample.csv")), Map.of());

  @AfterEach
  void contractAndClose() {
    try {
      fake.assertContractRespected();
    } finally {
      fake.close();
    }
  }

  TestStepContext ctx(String step, Map<String, String> trace) {
    return TestStepContext.builder().step(step).config(config).budget(Duration.ofMinutes(1)).traceHeaders(trace)
        .build();
  }

  static Map<String, String> traced(String traceparent) {
    return Map.of("traceparent", traceparent);
  }

  @Test
  void everyCallOfAStepCarriesItsTraceContext() {
    InstanceOutputs made = callsOf(() -> new IncusInstanceType().create(erp, ctx("erp", traced(CREATE_TRACE)))
        .outputs(), CREATE_TRACE);
    assertThat(fake.requests(IncusFake.WAIT_OPERATION)).as("the operation waits are among them").isNotEmpty();

    ExecOutputs ran = callsOf(() -> new IncusExecType().create(sample, ctx("sample-data", traced(EXEC_TRACE)))
        .outputs(), EXEC_TRACE);
    assertThat(fake.requests(IncusFake.EXEC)).hasSize(2);

    callsOf(() -> {
      new IncusExecType().delete(sample, ran, ctx("sample-data", traced(DELETE_TRACE)));
      new IncusInstanceType().delete(erp, made, ctx("erp", traced(DELETE_TRACE)));
      return null;
    }, DELETE_TRACE);
    fake.assertNothingLeaked();
  }

  @Test
  void theRemovalOfAHalfMadeInstanceCarriesTheTraceContextOfTheStepThatMadeIt() {
    fake.onExec((call, files) -> call.programName().equals("touch") ? ExecResult.output(3, "", "disk full")
        : ExecResult.ok());

    callsOf(() -> assertThatThrownBy(() -> new IncusInstanceType().create(erp, ctx("erp", traced(CREATE_TRACE))))
        .isInstanceOf(PermanentException.class), CREATE_TRACE);
    assertThat(fake.calls(IncusFake.DELETE_INSTANCE)).isEqualTo(1);
    fake.assertNothingLeaked();
  }

  @Test
  void aStepWithoutTraceContextSendsNone() {
    new IncusInstanceType().create(erp, ctx("erp", Map.of()));

    assertThat(fake.requests()).isNotEmpty()
        .allSatisfy(c -> assertThat(c.header("traceparent")).as(c.toString()).isEmpty())
        .allSatisfy(c -> assertThat(c.header("tracestate")).as(c.toString()).isEmpty());
  }

  /** Runs a step and checks that every request it made, and at least one, carried exactly {@code traceparent}. */
  <T> T callsOf(Supplier<T> step, String traceparent) {
    int before = fake.requests().size();
    T result = step.get();
    List<RecordedCall> all = fake.requests();
    assertThat(all.subList(before, all.size())).isNotEmpty().allSatisfy(c ->
        assertThat(c.header("traceparent")).as(c.toString()).contains(traceparent));
    return result;
  }
}
