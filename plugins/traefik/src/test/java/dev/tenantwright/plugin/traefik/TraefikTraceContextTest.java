package dev.tenantwright.plugin.traefik;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.testkit.RecordedCall;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.traefik.TraefikFake;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every poll of Traefik's API a route step makes carries the W3C trace context of that step attempt, although the
 * client is kept per configuration; a step of an untraced host sends none.
 */
class TraefikTraceContextTest {

  static final String CREATE_TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final String UPDATE_TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  static final String ROUTERS = "GET /api/http/routers/{name}";

  @TempDir
  Path dir;

  TraefikFake traefik;
  TraefikConfig config;
  final TraefikRouteType type = new TraefikRouteType();

  @BeforeEach
  void setUp() {
    traefik = new TraefikFake(dir);
    config = new TraefikConfig(dir.toString(), traefik.baseUrl(), null, null, null, null, "le", null, 5, 100,
        List.of("127.0.0.1/32"), null);
  }

  @AfterEach
  void close() {
    traefik.close();
  }

  TestStepContext ctx(Map<String, String> trace) {
    TestStepContext ctx = TestStepContext.builder().step("route").config(config).traceHeaders(trace).build();
    traefik.clock(ctx.clock());
    return ctx;
  }

  static RouteSpec spec(String host) {
    return new RouteSpec(host, "/shop", true, List.of("http://127.0.0.1:20001"), null, null, null, null, null, null,
        null, null);
  }

  @Test
  void everyCallOfAStepCarriesItsTraceContext() {
    traefik.reloadAfterCalls(3);
    TraefikRouteOutputs made = callsOf(() -> type.create(spec("shop.acme.example"),
        ctx(Map.of("traceparent", CREATE_TRACE))).outputs(), CREATE_TRACE);
    assertThat(made.verified()).isTrue();
    assertThat(traefik.requests(ROUTERS)).as("the polls until Traefik reloaded are among them").hasSizeGreaterThan(1);

    TraefikRouteOutputs updated = callsOf(() -> type.update(spec("www.acme.example"), spec("shop.acme.example"), made,
        ctx(Map.of("traceparent", UPDATE_TRACE))), UPDATE_TRACE);
    assertThat(updated.verified()).isTrue();
  }

  @Test
  void aStepWithoutTraceContextSendsNone() {
    type.create(spec("shop.acme.example"), ctx(Map.of()));

    assertThat(traefik.requests()).isNotEmpty()
        .allSatisfy(c -> assertThat(c.header("traceparent")).as(c.toString()).isEmpty())
        .allSatisfy(c -> assertThat(c.header("tracestate")).as(c.toString()).isEmpty());
  }

  /** Runs a step and checks that every request it made, and at least one, carried exactly {@code traceparent}. */
  <T> T callsOf(Supplier<T> step, String traceparent) {
    int before = traefik.requests().size();
    T result = step.get();
    List<RecordedCall> all = traefik.requests();
    assertThat(all.subList(before, all.size())).isNotEmpty().allSatisfy(c ->
        assertThat(c.header("traceparent")).as(c.toString()).contains(traceparent));
    return result;
  }
}
