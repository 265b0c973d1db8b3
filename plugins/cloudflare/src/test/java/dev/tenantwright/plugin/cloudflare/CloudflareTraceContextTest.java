package dev.tenantwright.plugin.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.testkit.RecordedCall;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every request a Cloudflare step makes — zone look-ups and record calls — carries the W3C trace context of that
 * step attempt, even though the type keeps its session (and the zones it found) across steps; a step of an untraced
 * host sends none.
 */
class CloudflareTraceContextTest {

  static final String CREATE_TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final String DELETE_TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  final CloudflareFake fake = new CloudflareFake();
  final CloudflareDnsRecordType type = new CloudflareDnsRecordType();
  final Map<String, Object> config = Map.of(
      "token", CloudflareFake.TOKEN, "zoneId", CloudflareFake.ZONE_ID, "baseUrl", fake.baseUrl());
  final DnsRecordSpec cname = new DnsRecordSpec("CNAME", "shop.example.com", "cname.vercel-dns.com", false, null);

  @AfterEach
  void close() {
    fake.assertContractRespected();
    fake.close();
  }

  TestStepContext ctx(Map<String, String> trace) {
    return TestStepContext.builder().step("dns").config("cloudflare", config).traceHeaders(trace).build();
  }

  @Test
  void everyCallOfAStepCarriesItsTraceContext() {
    DnsRecordOutputs made = callsOf(() -> type.create(cname, ctx(Map.of("traceparent", CREATE_TRACE))).outputs(),
        CREATE_TRACE);
    assertThat(fake.requests(CloudflareFake.GET_ZONE)).as("the zone look-up is among them").hasSize(1);

    callsOf(() -> {
      type.delete(cname, made, ctx(Map.of("traceparent", DELETE_TRACE)));
      return null;
    }, DELETE_TRACE);
    assertThat(fake.records()).isEmpty();
    assertThat(fake.calls(CloudflareFake.GET_ZONE)).as("the zone found by the create stays cached").isEqualTo(1);
  }

  @Test
  void aStepWithoutTraceContextSendsNone() {
    type.create(cname, ctx(Map.of()));

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
