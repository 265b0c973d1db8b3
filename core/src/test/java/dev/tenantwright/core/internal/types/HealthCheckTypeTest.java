package dev.tenantwright.core.internal.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.core.internal.net.EgressPolicy;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthCheckTypeTest {

  /** The tests' server listens on loopback, which the host allows here as a sandbox would. */
  private final HealthCheckType type = new HealthCheckType(CoreTypes.defaultHttpClient(),
      new EgressPolicy(List.of("127.0.0.1")));
  private final AtomicInteger calls = new AtomicInteger();
  private HttpServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Serves /health with the status and body {@code answer} returns for the n-th call (1-based). */
  private String serve(IntFunction<Answer> answer) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/health", exchange -> {
      Answer a = answer.apply(calls.incrementAndGet());
      byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(body);
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
  }

  private record Answer(int status, String body) {}

  private static IntFunction<Answer> healthyAfter(int failures) {
    return n -> n > failures ? new Answer(200, "ok") : new Answer(503, "starting");
  }

  @Test
  void passesOnceTheServiceTurnsHealthyBackingOffBetweenTries() throws IOException {
    String url = serve(healthyAfter(3));
    StepContextFake ctx = StepContextFake.create();

    CreateResult<HealthCheckOutputs> result =
        type.create(new HealthCheckSpec(url, null, "1m", "100ms", null), ctx);

    assertThat(result.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(result.outputs()).isEqualTo(new HealthCheckOutputs(url, 200));
    assertThat(calls).hasValue(4);
    assertThat(ctx.pauses()).containsExactly(
        Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(ctx.reports()).extracting(StepContextFake.Report::message)
        .anySatisfy(m -> assertThat(m).contains("/health").contains("status 503"));
    assertThat(ctx.reports().get(ctx.reports().size() - 1).percent()).isEqualTo(100);
  }

  @Test
  void capsTheBackoffAtTenSeconds() throws IOException {
    String url = serve(healthyAfter(4));
    StepContextFake ctx = StepContextFake.create();

    type.create(new HealthCheckSpec(url, null, "5m", "4s", null), ctx);

    assertThat(ctx.pauses()).containsExactly(
        Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(10));
  }

  @Test
  void failsPermanentlyAfterItsTimeoutNamingTheUrlAndTheLastStatus() throws IOException {
    String url = serve(n -> new Answer(503, "down"));
    StepContextFake ctx = StepContextFake.create();

    assertThatThrownBy(() -> type.create(new HealthCheckSpec(url, null, "3s", "100ms", null), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining(url)
        .hasMessageContaining("within 3s")
        .hasMessageContaining("last status 503");
    assertThat(ctx.elapsed()).isEqualTo(Duration.ofSeconds(3));
    assertThat(calls.get()).isGreaterThan(3);
  }

  @Test
  void stopsAtTheStepDeadlineWhenThatComesFirst() throws IOException {
    String url = serve(n -> new Answer(500, ""));
    StepContextFake ctx = StepContextFake.withDeadlineIn(Duration.ofSeconds(2));

    assertThatThrownBy(() -> type.create(new HealthCheckSpec(url, null, "10m", "500ms", null), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining(url)
        .hasMessageContaining("status 500");
    assertThat(ctx.elapsed()).isLessThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void countsRedirectsAsHealthyUnlessTheSpecExpectsOtherStatuses() throws IOException {
    String url = serve(n -> new Answer(302, ""));

    assertThat(type.create(HealthCheckSpec.of(url), StepContextFake.create()).outputs().status()).isEqualTo(302);
    assertThatThrownBy(() -> type.create(
            new HealthCheckSpec(url, List.of(200, 204), "1s", "100ms", null), StepContextFake.create()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("last status 302");
  }

  @Test
  void waitsUntilTheBodyContainsTheExpectedText() throws IOException {
    String url = serve(n -> new Answer(200, n < 3 ? "{\"state\":\"migrating\"}" : "{\"state\":\"ready\"}"));
    StepContextFake ctx = StepContextFake.create();

    type.create(new HealthCheckSpec(url, null, "1m", "100ms", "\"ready\""), ctx);

    assertThat(calls).hasValue(3);
    assertThat(ctx.reports()).extracting(StepContextFake.Report::message)
        .anySatisfy(m -> assertThat(m).contains("without the expected text"));
  }

  @Test
  void reportsARefusedConnection() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort + "/health";

    assertThatThrownBy(() -> type.create(new HealthCheckSpec(url, null, "1s", "200ms", null),
            StepContextFake.create()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("last connection refused");
  }

  @Test
  void keepsTheQueryOutOfMessages() throws IOException {
    String url = serve(n -> new Answer(503, "")) + "?token=abc123";

    assertThatThrownBy(() -> type.create(new HealthCheckSpec(url, null, "1s", "500ms", null),
            StepContextFake.create()))
        .isInstanceOf(PermanentException.class)
        .message().doesNotContain("abc123").contains("/health");
  }

  @Test
  void readIsPresentOnlyWhileTheServiceIsHealthy() throws IOException {
    String url = serve(n -> n == 1 ? new Answer(200, "") : new Answer(503, ""));
    HealthCheckSpec spec = HealthCheckSpec.of(url);
    StepContextFake ctx = StepContextFake.create();

    assertThat(type.read(spec, null, ctx)).contains(new HealthCheckOutputs(url, 200));
    assertThat(type.read(spec, null, ctx)).isEmpty();
  }

  @Test
  void stopsWhenTheRunIsCancelled() throws IOException {
    String url = serve(n -> new Answer(503, ""));
    StepContextFake ctx = StepContextFake.create();
    ctx.cancel();

    assertThatThrownBy(() -> type.create(HealthCheckSpec.of(url), ctx)).isInstanceOf(CancellationException.class);
    assertThat(calls).hasValue(0);
  }

  @Test
  void refusesAnInvalidSpecNamingTheField() {
    assertThatThrownBy(() -> HealthCheckSpec.of("ftp://example.com/"))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'url'");
    assertThatThrownBy(() -> HealthCheckSpec.of("http://user:pw@example.com/"))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'url'");
    assertThatThrownBy(() -> HealthCheckSpec.of("not a url"))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'url'");
    assertThatThrownBy(() -> new HealthCheckSpec("http://x/", List.of(99), null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'expectStatus'");
    assertThatThrownBy(() -> new HealthCheckSpec("http://x/", null, "soon", null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'timeout'");
    assertThatThrownBy(() -> new HealthCheckSpec("http://x/", null, null, "0s", null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'interval'");
  }

  @Test
  void readsDurationsInTheGrammarBlueprintsUseDaysIncluded() {
    assertThat(new HealthCheckSpec("http://x.test", null, "500ms", "2d", null).timeoutDuration())
        .isEqualTo(Duration.ofMillis(500));
    assertThat(new HealthCheckSpec("http://x.test", null, "1h30m", "2d", null).timeoutDuration())
        .isEqualTo(Duration.ofMinutes(90));
    assertThat(new HealthCheckSpec("http://x.test", null, "PT45S", "2d", null).intervalDuration())
        .isEqualTo(Duration.ofDays(2));
  }

  // ------------------------------------------------------------------------------------------ SEC7: egress

  private static HealthCheckSpec spec(String url) {
    return new HealthCheckSpec(url, null, "5s", null, null);
  }

  @Test
  void sec7_aLoopbackUrlIsRefusedByDefaultAndNothingIsSent() throws IOException {
    String url = serve(healthyAfter(0));
    HealthCheckType strict = new HealthCheckType(CoreTypes.defaultHttpClient(), EgressPolicy.DEFAULT);

    assertThatThrownBy(() -> strict.create(spec(url), StepContextFake.create()))
        .isInstanceOf(PermanentException.class).hasMessageContaining("loopback").hasMessageContaining("egressAllow");
    assertThat(calls).as("no request reached the host's own service").hasValue(0);
  }

  @Test
  void sec7_aNameThatResolvesToLoopbackIsRefusedAfterResolution() throws IOException {
    String url = serve(healthyAfter(0)).replace("127.0.0.1", "localhost");
    HealthCheckType strict = new HealthCheckType(CoreTypes.defaultHttpClient(), EgressPolicy.DEFAULT);

    assertThatThrownBy(() -> strict.create(spec(url), StepContextFake.create()))
        .isInstanceOf(PermanentException.class).hasMessageContaining("localhost");
    assertThat(calls).hasValue(0);
  }

  @Test
  void sec7_metadataPrivateAndMappedAddressesAreRefused() {
    HealthCheckType strict = new HealthCheckType(CoreTypes.defaultHttpClient(), EgressPolicy.DEFAULT);
    for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://192.168.0.1/",
        "http://172.16.5.4/", "http://100.64.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
        "http://[fd00::1]/")) {
      assertThatThrownBy(() -> strict.read(spec(url), null, StepContextFake.create())).as(url)
          .isInstanceOf(PermanentException.class).hasMessageContaining("refusing to connect");
    }
  }
}
