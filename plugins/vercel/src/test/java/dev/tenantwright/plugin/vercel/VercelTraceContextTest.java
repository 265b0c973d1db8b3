package dev.tenantwright.plugin.vercel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.testkit.RecordedCall;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every request a Vercel step makes carries the W3C trace context of that step attempt (and only of that one), so
 * a backend that traces joins the host's trace of the step; a step of an untraced host sends none.
 */
class VercelTraceContextTest {

  static final String CREATE_TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final String DEPLOY_TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  static final String DELETE_TRACE = "00-5c9a3e1f7b2d4c6e8f0a1b2c3d4e5f60-1a2b3c4d5e6f7081-01";

  final VercelFake fake = new VercelFake();
  final Map<String, Object> config = Map.of("token", VercelFake.TOKEN, "baseUrl", fake.baseUrl(),
      "pollInterval", "5ms", "maxPollInterval", "20ms");
  final ProjectSpec project = new ProjectSpec(null, null, null, null, null, null);

  @AfterEach
  void close() {
    fake.assertContractRespected();
    fake.close();
  }

  TestStepContext ctx(String step, Map<String, String> trace) {
    return TestStepContext.builder().step(step).config("vercel", config).traceHeaders(trace).build();
  }

  static Map<String, String> traced(String traceparent) {
    return Map.of("traceparent", traceparent);
  }

  @Test
  void everyCallOfAStepCarriesItsTraceContext() {
    ProjectOutputs site = callsOf(() -> new VercelProjectType().create(project, ctx("site", traced(CREATE_TRACE)))
        .outputs(), CREATE_TRACE);
    fake.deploymentPhases(2);
    DeploymentSpec files = new DeploymentSpec(site.id(), "production",
        List.of(new DeploymentSpec.InlineFile("index.html", "<h1>ACME</h1>", null)), null, null);
    DeploymentOutputs deployed = callsOf(() -> new VercelDeploymentType().create(files,
        ctx("deploy", traced(DEPLOY_TRACE))).outputs(), DEPLOY_TRACE);

    assertThat(fake.requests(VercelFake.GET_DEPLOYMENT)).as("the polls until READY are among them").hasSizeGreaterThan(1);
    assertThat(deployed.readyState()).isEqualTo("READY");
  }

  @Test
  void everyCallOfADeleteCarriesItsOwnTraceContextNotTheCreatesOne() {
    ProjectOutputs site = new VercelProjectType().create(project, ctx("site", traced(CREATE_TRACE))).outputs();

    callsOf(() -> {
      new VercelProjectType().delete(project, site, ctx("site", traced(DELETE_TRACE)));
      return null;
    }, DELETE_TRACE);
    assertThat(fake.calls(VercelFake.DELETE_PROJECT)).isEqualTo(1);
  }

  @Test
  void aStepWithoutTraceContextSendsNone() {
    new VercelProjectType().create(project, ctx("site", Map.of()));

    assertThat(fake.requests()).isNotEmpty()
        .allSatisfy(c -> assertThat(c.header("traceparent")).as(c.toString()).isEmpty())
        .allSatisfy(c -> assertThat(c.header("tracestate")).as(c.toString()).isEmpty());
  }

  /** Runs a step and checks that every request it made, and at least one, carried exactly {@code traceparent}. */
  <T> T callsOf(Supplier<T> step, String traceparent) {
    int before = fake.requests().size();
    T result = step.get();
    List<RecordedCall> all = fake.requests();
    List<RecordedCall> calls = all.subList(before, all.size());
    assertThat(calls).isNotEmpty().allSatisfy(c ->
        assertThat(c.header("traceparent")).as(c.toString()).contains(traceparent));
    return result;
  }
}
