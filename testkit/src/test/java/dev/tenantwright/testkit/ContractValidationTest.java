package dev.tenantwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContractValidationTest {

  static final URL WIDGETS_SPEC = ContractValidationTest.class.getResource("/widgets/widgets-openapi.yaml");
  static final OpenApiContract WIDGETS = OpenApiContract.load(WIDGETS_SPEC, SpecReducer.keeping());

  private final WidgetsFake fake = new WidgetsFake();
  private final Http http = new Http(fake.baseUrl());

  ContractValidationTest() {
    fake.validateAgainst(WIDGETS);
  }

  @AfterEach
  void close() {
    fake.close();
  }

  @Test
  void conformingRequestsAndAnswersPass() {
    String id = BackendFakeTest.json(http.post("/v1/widgets", "{\"name\":\"ok\",\"size\":2,\"color\":\"green\"}"))
        .get("id").asText();
    http.get("/v1/widgets?name=ok");
    http.get("/v1/widgets/" + id);
    http.get("/v1/widgets/wgt_missing");
    http.delete("/v1/widgets/" + id);

    assertThat(fake.contractViolations()).isEmpty();
    fake.assertContractRespected();
  }

  @Test
  void aMissingRequiredFieldIsReported() {
    http.post("/v1/widgets", "{\"size\":2}");

    assertThat(fake.contractViolations()).singleElement().asString()
        .startsWith("POST /v1/widgets (request) validation.request.body.schema.required")
        .contains("name");
  }

  @Test
  void aWrongTypeAnUnknownEnumValueAndAnUndeclaredFieldAreReported() {
    http.post("/v1/widgets", "{\"name\":\"a\",\"size\":\"big\"}");
    http.post("/v1/widgets", "{\"name\":\"b\",\"color\":\"purple\"}");
    http.post("/v1/widgets", "{\"name\":\"c\",\"weight\":3}");

    assertThat(fake.contractViolations()).hasSize(3);
    assertThat(fake.contractViolations().get(0)).contains("schema.type").contains("size");
    assertThat(fake.contractViolations().get(1)).contains("schema.enum").contains("purple");
    assertThat(fake.contractViolations().get(2)).contains("schema.additionalProperties").contains("weight");
  }

  @Test
  void aMissingTokenAWrongContentTypeAndAnUnknownPathAreReported() {
    http.send(HttpRequest.newBuilder(java.net.URI.create(fake.baseUrl() + "/v1/widgets")).GET());
    http.send(http.request("/v1/widgets").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("name=a")));
    http.get("/v2/widgets");

    assertThat(fake.contractViolations()).hasSize(3);
    assertThat(fake.contractViolations().get(0)).contains("validation.request.security.missing");
    assertThat(fake.contractViolations().get(1)).contains("validation.request.contentType.notAllowed");
    assertThat(fake.contractViolations().get(2)).contains("validation.request.path.missing");
  }

  @Test
  void aLazyAnswerFromTheFakeIsReportedToo() {
    String id = BackendFakeTest.json(http.post("/v1/widgets", "{\"name\":\"lazy\"}")).get("id").asText();
    fake.answerLazily();

    http.get("/v1/widgets/" + id);

    assertThat(fake.contractViolations()).singleElement().asString()
        .startsWith("GET /v1/widgets/" + id + " (response) validation.response.body.schema.required")
        .contains("createdAt");
  }

  @Test
  void answersMadeByInjectedFaultsAreNotJudgedButTheirRequestsAre() {
    fake.inject(Fault.status(503).on(WidgetsFake.CREATE).times(1));
    fake.inject(Fault.status(502).on(WidgetsFake.LIST).afterHandler());

    http.post("/v1/widgets", "{\"name\":\"a\"}");
    http.get("/v1/widgets");
    assertThat(fake.contractViolations()).isEmpty();

    http.post("/v1/widgets", "{\"name\":7}");
    assertThat(fake.contractViolations()).singleElement().asString().contains("schema.type");
  }

  @Test
  void assertContractRespectedFailsWithTheValidatorsMessages() {
    http.post("/v1/widgets", "{}");

    assertThatThrownBy(fake::assertContractRespected)
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("fake widgets: 1 violation(s) of widgets-openapi.yaml:")
        .hasMessageContaining("Object has missing required properties ([\"name\"])");
  }

  @Test
  void theContractIsBuiltOncePerDocumentAndReducer() {
    assertThat(OpenApiContract.load(WIDGETS_SPEC, SpecReducer.keeping())).isSameAs(WIDGETS);
    assertThat(OpenApiContract.load(WIDGETS_SPEC, SpecReducer.keeping("/v1/widgets"))).isNotSameAs(WIDGETS);
  }

  @Test
  void requestsCanBeCheckedWithoutAFake() {
    Map<String, String> headers = Map.of("Authorization", "Bearer t", "Content-Type", "application/json");

    assertThat(WIDGETS.checkRequest("POST", "/v1/widgets", headers, "{\"name\":\"fine\"}")).isEmpty();
    assertThat(WIDGETS.checkRequest("POST", "/v1/widgets", headers, "{\"name\":\"Not Fine\"}"))
        .singleElement().asString().contains("schema.pattern");
    assertThat(WIDGETS.checkRequest("GET", "/v1/widgets?name=x&unexpected=1", Map.of("Authorization", "Bearer t"), null))
        .isEmpty();
  }

  @Test
  void validatesCorrectlyFromManyThreadsAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          Http client = new Http(fake.baseUrl(), Duration.ofSeconds(30));
          for (int i = 0; i < 10; i++) {
            client.post("/v1/widgets", "{\"name\":\"t" + thread + "-" + i + "\"}");
            client.post("/v1/widgets", "{\"name\":\"t" + thread + "-" + i + "\",\"size\":\"x\"}");
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(fake.liveObjects()).hasSize(80);
    assertThat(fake.contractViolations()).hasSize(80).allSatisfy(v -> assertThat(v).contains("schema.type"));
  }
}
