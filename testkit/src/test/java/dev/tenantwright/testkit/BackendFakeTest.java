package dev.tenantwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.testkit.internal.Json;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackendFakeTest {

  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final WidgetsFake fake = new WidgetsFake();
  private final Http http = new Http(fake.baseUrl());

  @AfterEach
  void close() {
    fake.close();
  }

  @Test
  void createdObjectsCanBeReadListedAndDeleted() {
    HttpResponse<String> created = http.post("/v1/widgets", "{\"name\":\"blue-one\",\"size\":3,\"color\":\"blue\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    String id = json(created).get("id").asText();

    JsonNode read = json(http.get("/v1/widgets/" + id));
    assertThat(read.get("name").asText()).isEqualTo("blue-one");
    assertThat(read.get("size").asInt()).isEqualTo(3);

    http.post("/v1/widgets", "{\"name\":\"red-one\"}");
    JsonNode all = json(http.get("/v1/widgets")).get("widgets");
    assertThat(all).hasSize(2);
    JsonNode filtered = json(http.get("/v1/widgets?name=red-one")).get("widgets");
    assertThat(filtered).hasSize(1);
    assertThat(filtered.get(0).get("color").asText()).isEqualTo("red");

    assertThat(http.delete("/v1/widgets/" + id).statusCode()).isEqualTo(204);
    assertThat(http.get("/v1/widgets/" + id).statusCode()).isEqualTo(404);
    assertThat(json(http.get("/v1/widgets")).get("widgets")).hasSize(1);
  }

  @Test
  void answersWithTheBackendsOwnErrorShape() {
    HttpResponse<String> missing = http.get("/v1/widgets/wgt_404");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(json(missing).at("/error/code").asText()).isEqualTo("not_found");
    assertThat(json(missing).at("/error/message").asText()).isEqualTo("widget wgt_404 not found");

    http.post("/v1/widgets", "{\"name\":\"twice\"}");
    HttpResponse<String> conflict = http.post("/v1/widgets", "{\"name\":\"twice\"}");
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(json(conflict).at("/error/code").asText()).isEqualTo("conflict");
  }

  @Test
  void unknownRoutesWrongMethodsAndBadJsonGetErrorAnswersInTheSameShape() {
    HttpResponse<String> unknown = http.get("/v2/nothing");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).at("/error/message").asText()).isEqualTo("no route for GET /v2/nothing");

    HttpResponse<String> wrongMethod = http.delete("/v1/widgets");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);

    HttpResponse<String> badJson = http.post("/v1/widgets", "{not json");
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(json(badJson).at("/error/message").asText()).startsWith("request body is not JSON");
  }

  @Test
  void aFailingHandlerAnswers500AndIsLogged() {
    try (BrokenFake broken = new BrokenFake()) {
      HttpResponse<String> r = new Http(broken.baseUrl()).get("/boom");
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(broken.requests()).singleElement().satisfies(c -> assertThat(c.handled()).isTrue());
    }
  }

  @Test
  void handlersSeePathVariablesDecodedQueryHeadersAndBody() {
    try (EchoFake echo = new EchoFake()) {
      Http client = new Http(echo.baseUrl());
      HttpResponse<String> r = client.send(client.request("/echo/app-web%40file/x?tag=a&tag=b%20c&flag")
          .header("X-Custom", "yes")
          .header("Content-Type", "application/json")
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"k\":1}")));
      JsonNode seen = json(r);
      assertThat(seen.get("method").asText()).isEqualTo("PUT");
      assertThat(seen.get("name").asText()).isEqualTo("app-web@file");
      assertThat(seen.get("rest").asText()).isEqualTo("x");
      assertThat(seen.get("tags")).extracting(JsonNode::asText).containsExactly("a", "b c");
      assertThat(seen.get("flag").asText()).isEmpty();
      assertThat(seen.get("custom").asText()).isEqualTo("yes");
      assertThat(seen.get("k").asInt()).isEqualTo(1);
    }
  }

  @Test
  void countsCallsPerRouteAndInTotalAndLogsThem() {
    http.post("/v1/widgets", "{\"name\":\"a\"}");
    http.post("/v1/widgets", "{\"name\":\"b\"}");
    http.get("/v1/widgets/wgt_1");
    http.get("/nowhere");

    assertThat(fake.calls(WidgetsFake.CREATE)).isEqualTo(2);
    assertThat(fake.calls(WidgetsFake.GET)).isEqualTo(1);
    assertThat(fake.calls(WidgetsFake.DELETE)).isZero();
    assertThat(fake.totalCalls()).isEqualTo(4);
    assertThat(fake.requests()).extracting(RecordedCall::toString).containsExactly(
        "POST /v1/widgets -> 201", "POST /v1/widgets -> 201", "GET /v1/widgets/wgt_1 -> 200", "GET /nowhere -> 404");
    assertThat(fake.requests(WidgetsFake.CREATE)).extracting(RecordedCall::body)
        .containsExactly("{\"name\":\"a\"}", "{\"name\":\"b\"}");
    assertThat(fake.requests().get(3).routeKey()).isEmpty();
  }

  @Test
  void theRequestLogKeepsEachCallsHeadersLookedUpIgnoringCase() {
    http.send(http.request("/v1/widgets/wgt_9").header("traceparent", TRACEPARENT).GET());
    http.get("/v1/widgets/wgt_9");

    List<RecordedCall> calls = fake.requests(WidgetsFake.GET);
    assertThat(calls.get(0).header("TraceParent")).contains(TRACEPARENT);
    assertThat(calls.get(0).headers()).containsKey("authorization");
    assertThat(calls.get(0).toString()).doesNotContain("Bearer").doesNotContain(TRACEPARENT);
    assertThat(calls.get(1).header("traceparent")).isEmpty();
  }

  @Test
  void theAfterCallHookSeesEachHandledCallAfterItsEffectAndCanFailIt() {
    List<String> seen = new ArrayList<>();
    fake.afterEachCall(n -> seen.add(n + ":" + fake.liveObjects().size()));
    fake.inject(Fault.status(503).on(WidgetsFake.CREATE).times(1));

    http.post("/v1/widgets", "{\"name\":\"a\"}");
    String id = json(http.post("/v1/widgets", "{\"name\":\"a\"}")).get("id").asText();
    http.get("/v1/widgets/wgt_404");
    assertThat(seen).as("the faulted call is not counted; the widget exists when the hook runs")
        .containsExactly("1:1", "2:1");

    fake.afterEachCall(n -> {
      throw new IllegalStateException("crash after call " + n);
    });
    assertThat(http.delete("/v1/widgets/" + id).statusCode()).isEqualTo(500);
    assertThat(fake.liveObjects()).as("the delete took effect before the hook failed it").isEmpty();

    fake.afterEachCall(n -> seen.add("after reset " + n));
    fake.reset();
    http.get("/v1/widgets");
    assertThat(seen).last().isEqualTo("after reset 1");
  }

  @Test
  void aMistypedRouteKeyFailsInsteadOfCountingZero() {
    assertThatThrownBy(() -> fake.calls("POST /v1/widget"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no route 'POST /v1/widget'")
        .hasMessageContaining(WidgetsFake.CREATE);
  }

  @Test
  void theLeakViewListsWhatStillExists() {
    String id = json(http.post("/v1/widgets", "{\"name\":\"left-behind\"}")).get("id").asText();

    assertThat(fake.liveObjects()).containsExactly("widget " + id + " (left-behind)");
    assertThatThrownBy(fake::assertNothingLeaked)
        .isInstanceOf(AssertionError.class)
        .hasMessage("fake widgets still holds 1 object(s): widget wgt_1 (left-behind)");

    http.delete("/v1/widgets/" + id);
    fake.assertNothingLeaked();
  }

  @Test
  void resetForgetsObjectsCountersAndFaultsButKeepsRoutes() {
    http.post("/v1/widgets", "{\"name\":\"a\"}");
    fake.inject(Fault.status(503));

    fake.reset();

    assertThat(fake.liveObjects()).isEmpty();
    assertThat(fake.totalCalls()).isZero();
    assertThat(fake.requests()).isEmpty();
    assertThat(http.post("/v1/widgets", "{\"name\":\"a\"}").statusCode()).isEqualTo(201);
  }

  @Test
  void listensOnLoopbackWithItsOwnPortAndRefusesUseAfterClose() {
    assertThat(fake.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
    try (WidgetsFake other = new WidgetsFake()) {
      assertThat(other.port()).isNotEqualTo(fake.port());
    }
    fake.close();
    fake.close();
    assertThatThrownBy(fake::baseUrl).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void aBasePathPrefixesEveryRoute() {
    try (EchoFake echo = new EchoFake("/client/v4")) {
      assertThat(echo.baseUrl()).endsWith("/client/v4");
      JsonNode seen = json(new Http(echo.baseUrl()).get("/echo/a/b"));
      assertThat(seen.get("name").asText()).isEqualTo("a");
      assertThat(echo.requests()).singleElement().extracting(RecordedCall::path).isEqualTo("/echo/a/b");
      assertThat(new Http("http://127.0.0.1:" + echo.port()).get("/echo/a/b").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void rejectsMalformedRoutes() {
    assertThatThrownBy(() -> new EchoFake() {
      {
        on("GET", "/x/pre{bad}", req -> RouteResponse.empty(204));
      }
    }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole segment");
    assertThatThrownBy(() -> new EchoFake() {
      {
        on("GET", "/echo/{name}/{rest}", req -> RouteResponse.empty(204));
      }
    }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
  }

  static JsonNode json(HttpResponse<String> response) {
    return Json.readJson(response.body());
  }

  /** Echoes what its handler saw. */
  static class EchoFake extends BackendFake {
    EchoFake() {
      this("");
    }

    EchoFake(String basePath) {
      super("echo", basePath);
      RouteHandler echo = req -> RouteResponse.json(200, Map.of(
          "method", req.method(),
          "name", req.pathParam("name"),
          "rest", req.pathParam("rest"),
          "tags", req.queryAll("tag"),
          "flag", req.query("flag").orElse("absent"),
          "custom", req.header("x-custom").orElse("absent"),
          "k", req.json().path("k").asInt(-1)));
      on("GET", "/echo/{name}/{rest}", echo);
      on("PUT", "/echo/{name}/{rest}", echo);
    }

    @Override
    public Collection<String> liveObjects() {
      return List.of();
    }
  }

  /** Its only handler throws. */
  static final class BrokenFake extends BackendFake {
    BrokenFake() {
      super("broken");
      on("GET", "/boom", req -> {
        throw new IllegalStateException("boom");
      });
    }

    @Override
    public Collection<String> liveObjects() {
      return List.of();
    }
  }
}
