package dev.tenantwright.testkit;

import static dev.tenantwright.testkit.BackendFakeTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {

  private final WidgetsFake fake = new WidgetsFake();
  private final Http http = new Http(fake.baseUrl());

  @AfterEach
  void close() {
    fake.close();
  }

  @Test
  void anErrorRateFailsThatShareOfCallsAndRepeatsExactlyForTheSameSeed() {
    fake.inject(Fault.status(503).on(WidgetsFake.LIST).rate(0.10));

    fake.seedFaults(42);
    List<Integer> first = statuses(200);
    fake.seedFaults(42);
    List<Integer> second = statuses(200);
    fake.seedFaults(7);
    List<Integer> other = statuses(200);

    long failures = first.stream().filter(s -> s == 503).count();
    assertThat(failures).isBetween(8L, 35L);
    assertThat(second).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    assertThat(first).containsOnly(200, 503);
  }

  @Test
  void injectedErrorsUseTheBackendsErrorShapeAndCallsStillCount() {
    fake.inject(Fault.status(503).on(WidgetsFake.CREATE));

    HttpResponse<String> r = http.post("/v1/widgets", "{\"name\":\"a\"}");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).at("/error/code").asText()).isEqualTo("server_error");
    assertThat(fake.calls(WidgetsFake.CREATE)).isEqualTo(1);
    assertThat(fake.requests()).singleElement().satisfies(c -> {
      assertThat(c.faulted()).isTrue();
      assertThat(c.handled()).isFalse();
      assertThat(c.fault()).isEqualTo("status 503 on POST /v1/widgets");
    });
    assertThat(fake.liveObjects()).isEmpty();
  }

  @Test
  void rateLimitsNTimesWithRetryAfterThenLetsCallsThrough() {
    fake.inject(Fault.rateLimited(Duration.ofMillis(1500)).on(WidgetsFake.CREATE).times(2));

    HttpResponse<String> first = http.post("/v1/widgets", "{\"name\":\"a\"}");
    HttpResponse<String> second = http.post("/v1/widgets", "{\"name\":\"a\"}");
    HttpResponse<String> third = http.post("/v1/widgets", "{\"name\":\"a\"}");

    assertThat(first.statusCode()).isEqualTo(429);
    assertThat(first.headers().firstValue("Retry-After")).contains("2");
    assertThat(json(first).at("/error/code").asText()).isEqualTo("rate_limited");
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(third.statusCode()).isEqualTo(201);
    assertThat(fake.calls(WidgetsFake.CREATE)).isEqualTo(3);
  }

  @Test
  void aRateLimitStormRefusesEveryCallUntilItsWindowCloses() {
    fake.inject(Fault.rateLimited(Duration.ofSeconds(1)).during(Duration.ofMillis(300)));

    assertThat(http.get("/v1/widgets").statusCode()).isEqualTo(429);
    assertThat(http.get("/v1/widgets").statusCode()).isEqualTo(429);
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> http.get("/v1/widgets").statusCode() == 200);
    assertThat(http.get("/v1/widgets").statusCode()).isEqualTo(200);
  }

  @Test
  void failsExactlyTheNthCall() {
    fake.inject(Fault.status(500).on(WidgetsFake.CREATE).nth(3));

    List<Integer> statuses = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      statuses.add(http.post("/v1/widgets", "{\"name\":\"w" + i + "\"}").statusCode());
    }

    assertThat(statuses).containsExactly(201, 201, 500, 201, 201);
    assertThat(fake.liveObjects()).hasSize(4);
  }

  @Test
  void aFaultAfterTheHandlerLeavesTheSideEffectButReportsAnError() {
    fake.inject(Fault.status(502).on(WidgetsFake.CREATE).afterHandler().nth(1));

    HttpResponse<String> r = http.post("/v1/widgets", "{\"name\":\"ghost\"}");

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(fake.liveObjects()).containsExactly("widget wgt_1 (ghost)");
    assertThat(fake.requests()).singleElement().satisfies(c -> assertThat(c.handled()).isTrue());
    assertThat(http.post("/v1/widgets", "{\"name\":\"ghost\"}").statusCode()).isEqualTo(409);
  }

  @Test
  void addsFixedLatency() {
    fake.inject(Fault.latency(Duration.ofMillis(300)).on(WidgetsFake.LIST));

    long start = System.nanoTime();
    HttpResponse<String> r = http.get("/v1/widgets");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(fake.requests()).singleElement().satisfies(c -> assertThat(c.fault()).isEqualTo("latency PT0.3S on GET /v1/widgets"));
  }

  @Test
  void addsRandomLatencyWithinTheRange() {
    fake.inject(Fault.latency(Duration.ofMillis(100), Duration.ofMillis(150)));

    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      assertThat(http.get("/v1/widgets").statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }
  }

  @Test
  void aTimeoutBeforeTheHandlerMakesTheClientGiveUpWithoutSideEffect() {
    fake.inject(Fault.timeout(Duration.ofSeconds(30)).on(WidgetsFake.CREATE).nth(1));
    Http impatient = new Http(fake.baseUrl(), Duration.ofMillis(300));

    assertThatThrownBy(() -> impatient.sendChecked(impatient.request("/v1/widgets")
        .header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"slow\"}"))))
        .isInstanceOf(HttpTimeoutException.class);

    assertThat(fake.calls(WidgetsFake.CREATE)).isEqualTo(1);
    assertThat(fake.liveObjects()).isEmpty();
  }

  @Test
  void aTimeoutAfterTheHandlerLeavesAnObjectTheClientNeverHeardOf() {
    fake.inject(Fault.timeout(Duration.ofSeconds(30)).on(WidgetsFake.CREATE).afterHandler().nth(1));
    Http impatient = new Http(fake.baseUrl(), Duration.ofMillis(300));

    assertThatThrownBy(() -> impatient.sendChecked(impatient.request("/v1/widgets")
        .header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"unknown-outcome\"}"))))
        .isInstanceOf(HttpTimeoutException.class);

    assertThat(fake.liveObjects()).containsExactly("widget wgt_1 (unknown-outcome)");
    assertThat(json(http.get("/v1/widgets?name=unknown-outcome")).get("widgets")).hasSize(1);
  }

  @Test
  void closingTheFakeReleasesCallsHeldByATimeout() throws Exception {
    fake.inject(Fault.timeout(Duration.ofMinutes(10)));
    Http patient = new Http(fake.baseUrl(), Duration.ofMinutes(2));
    Thread waiter = new Thread(() -> {
      try {
        patient.sendChecked(patient.request("/v1/widgets")
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"held\"}")));
      } catch (IOException e) {
        // the connection closes with the fake
      }
    });
    waiter.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> fake.totalCalls() == 1);

    assertTimeoutPreemptively(Duration.ofSeconds(10), fake::close);

    waiter.join(Duration.ofSeconds(30).toMillis());
    assertThat(waiter.isAlive()).as("the client is still held after close()").isFalse();
  }

  @Test
  void aConnectionResetBeforeTheHandlerHasNoSideEffect() {
    fake.inject(Fault.connectionReset().on("POST", "/v1/widgets").nth(1));

    assertThatThrownBy(() -> http.sendChecked(http.request("/v1/widgets")
        .header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"reset\"}"))))
        .isInstanceOf(IOException.class);

    assertThat(fake.liveObjects()).isEmpty();
    assertThat(fake.requests()).singleElement().satisfies(c -> {
      assertThat(c.status()).isZero();
      assertThat(c.fault()).isEqualTo("connection reset on POST /v1/widgets once");
    });
    assertThat(http.post("/v1/widgets", "{\"name\":\"reset\"}").statusCode()).isEqualTo(201);
  }

  @Test
  void aConnectionResetAfterTheHandlerKeepsTheSideEffect() {
    fake.inject(Fault.connectionReset().on(WidgetsFake.CREATE).afterHandler().times(1));

    assertThatThrownBy(() -> http.sendChecked(http.request("/v1/widgets")
        .header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"made-anyway\"}"))))
        .isInstanceOf(IOException.class);

    assertThat(fake.liveObjects()).containsExactly("widget wgt_1 (made-anyway)");
  }

  @Test
  void aPatternScopesAFaultByMethodAndPath() {
    fake.inject(Fault.status(503).on("GET", "/v1/widgets/wgt_[0-9]+"));

    assertThat(http.post("/v1/widgets", "{\"name\":\"a\"}").statusCode()).isEqualTo(201);
    assertThat(http.get("/v1/widgets/wgt_1").statusCode()).isEqualTo(503);
    assertThat(http.get("/v1/widgets").statusCode()).isEqualTo(200);
    assertThat(http.delete("/v1/widgets/wgt_1").statusCode()).isEqualTo(204);
  }

  @Test
  void clearedFaultsStopStriking() {
    fake.inject(Fault.status(500));
    assertThat(http.get("/v1/widgets").statusCode()).isEqualTo(500);

    fake.clearFaults();

    assertThat(http.get("/v1/widgets").statusCode()).isEqualTo(200);
    assertThat(fake.totalCalls()).isEqualTo(2);
  }

  @Test
  void latencyAndAnErrorCombineAndTheFirstTerminalFaultWins() {
    fake.inject(Fault.latency(Duration.ofMillis(50)));
    fake.inject(Fault.status(503).nth(1));
    fake.inject(Fault.status(500));

    assertThat(http.get("/v1/widgets").statusCode()).isEqualTo(503);
    assertThat(http.get("/v1/widgets").statusCode()).isEqualTo(500);
    assertThat(fake.requests().get(0).fault()).isEqualTo("latency PT0.05S; status 503 once");
  }

  @Test
  void refusesAFaultOnAnUnknownRoute() {
    assertThatThrownBy(() -> fake.inject(Fault.status(500).on("POST /v1/widget")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no route 'POST /v1/widget'");
    assertThatThrownBy(() -> Fault.status(500).rate(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.status(500).nth(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private List<Integer> statuses(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(http.get("/v1/widgets").statusCode());
    }
    return out;
  }
}
