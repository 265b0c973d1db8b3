package dev.tenantwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.internal.Json;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Contract validation against the real published documents (downloaded, see {@link TestSpecs}; skipped without
 * them): a conforming exchange passes, a broken request is reported. The validators are built once per JVM and shared.
 */
class RealSpecContractTest {

  @Nested
  class Vercel {
    static final String PROJECT = "{\"accountId\":\"team_1\",\"directoryListing\":false,\"id\":\"prj_1\","
        + "\"name\":\"acme-demo\",\"nodeVersion\":\"22.x\",\"resourceConfig\":{\"functionDefaultRegions\":[\"iad1\"]},"
        + "\"defaultResourceConfig\":{\"functionDefaultRegions\":[\"iad1\"]}}";

    final OpenApiContract contract = OpenApiContract.load(TestSpecs.file("vercel-openapi-2025-10-27.json"),
        SpecReducer.keeping("/v11/projects", "/v9/projects/{idOrName}"));

    CannedFake fake() {
      CannedFake fake = new CannedFake("vercel", "")
          .route("POST", "/v11/projects", req -> RouteResponse.json(200, Json.readJson(PROJECT)))
          .route("GET", "/v9/projects/{idOrName}", req -> RouteResponse.json(200, Json.readJson(PROJECT)));
      fake.validateAgainst(contract);
      return fake;
    }

    @Test
    void conformingProjectCreateAndGetPass() {
      try (CannedFake fake = fake()) {
        Http http = new Http(fake.baseUrl());
        assertThat(http.post("/v11/projects?teamId=team_1", "{\"name\":\"acme-demo\",\"framework\":\"nextjs\"}")
            .statusCode()).isEqualTo(200);
        assertThat(http.get("/v9/projects/acme-demo?teamId=team_1").statusCode()).isEqualTo(200);

        fake.assertContractRespected();
      }
    }

    @Test
    void aMissingNameAndANameOfTheWrongTypeAreReported() {
      try (CannedFake fake = fake()) {
        Http http = new Http(fake.baseUrl());
        http.post("/v11/projects", "{\"framework\":\"nextjs\"}");
        http.post("/v11/projects", "{\"name\":42}");

        assertThat(fake.contractViolations()).hasSize(2);
        assertThat(fake.contractViolations().get(0)).contains("validation.request.body.schema.required").contains("name");
        assertThat(fake.contractViolations().get(1)).contains("validation.request.body.schema.type").contains("/name");
      }
    }

    @Test
    void aLazyProjectAnswerIsReported() {
      try (CannedFake fake = new CannedFake("vercel", "")
          .route("GET", "/v9/projects/{idOrName}", req -> RouteResponse.json(200, Map.of("id", "prj_1")))) {
        fake.validateAgainst(contract);
        new Http(fake.baseUrl()).get("/v9/projects/acme-demo");

        assertThat(fake.contractViolations()).singleElement().asString()
            .contains("(response) validation.response.body.schema.required").contains("accountId");
      }
    }
  }

  @Nested
  class Cloudflare {
    static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
    static final String RECORD_ID = "372e67954025e0ba6aaa6d586b9e0b59";
    static final String RECORDS = "/zones/" + ZONE + "/dns_records";

    final OpenApiContract contract = OpenApiContract.load(TestSpecs.file("cloudflare-openapi-2024-08-07.json"),
        SpecReducer.cloudflare("/zones/{zone_id}/dns_records", "/zones/{zone_id}/dns_records/{dns_record_id}"));

    ObjectNode record() {
      ObjectNode r = Json.mapper().createObjectNode()
          .put("id", RECORD_ID).put("type", "A").put("name", "app.example.com").put("content", "198.51.100.4")
          .put("proxiable", true).put("proxied", false).put("ttl", 1)
          .put("created_on", "2024-08-01T05:20:00.12345Z").put("modified_on", "2024-08-01T05:20:00.12345Z");
      r.putNull("comment");
      r.putArray("tags");
      return r;
    }

    ObjectNode envelope(Object result) {
      ObjectNode e = Json.mapper().createObjectNode().put("success", true);
      e.putArray("errors");
      e.putArray("messages");
      e.set("result", Json.mapper().valueToTree(result));
      return e;
    }

    CannedFake fake() {
      CannedFake fake = new CannedFake("cloudflare", "/client/v4")
          .route("GET", "/zones/{zone_id}/dns_records", req -> {
            ObjectNode body = envelope(List.of(record()));
            body.putObject("result_info").put("page", 1).put("per_page", 100).put("count", 1)
                .put("total_count", 1).put("total_pages", 1);
            return RouteResponse.json(200, body);
          })
          .route("POST", "/zones/{zone_id}/dns_records", req -> RouteResponse.json(200, envelope(record())))
          .route("DELETE", "/zones/{zone_id}/dns_records/{dns_record_id}",
              req -> RouteResponse.json(200, envelope(Map.of("id", req.pathParam("dns_record_id")))));
      fake.validateAgainst(contract);
      return fake;
    }

    @Test
    void listCreateAndDeleteWithAnApiTokenPass() {
      try (CannedFake fake = fake()) {
        Http http = new Http(fake.baseUrl());
        assertThat(http.get(RECORDS + "?type=A&name=app.example.com&per_page=100").statusCode()).isEqualTo(200);
        assertThat(http.post(RECORDS,
            "{\"type\":\"A\",\"name\":\"app.example.com\",\"content\":\"198.51.100.4\",\"ttl\":1,\"proxied\":false,"
                + "\"comment\":\"tenantwright:acme/demo\"}").statusCode()).isEqualTo(200);
        assertThat(http.delete(RECORDS + "/" + RECORD_ID).statusCode()).isEqualTo(200);

        fake.assertContractRespected();
      }
    }

    @Test
    void aMissingContentAWrongTtlTypeAndAMissingBodyAreReported() {
      try (CannedFake fake = fake()) {
        Http http = new Http(fake.baseUrl());
        http.post(RECORDS, "{\"type\":\"A\",\"name\":\"app.example.com\"}");
        http.post(RECORDS, "{\"type\":\"A\",\"name\":\"app.example.com\",\"content\":\"198.51.100.4\",\"ttl\":\"auto\"}");
        http.send(http.request(RECORDS).POST(HttpRequest.BodyPublishers.noBody()));

        List<String> found = fake.contractViolations();
        assertThat(found).hasSize(3);
        assertThat(found.get(0)).contains("validation.request.body.schema.oneOf").contains("content");
        assertThat(found.get(1)).contains("validation.request.body.schema.oneOf").contains("ttl");
        assertThat(found.get(2)).contains("validation.request.body.missing");
      }
    }
  }

  @Nested
  class Incus {
    static final String OP_ID = "66e83638-9dd7-4a26-aef2-5462814869a1";

    final OpenApiContract contract = OpenApiContract.load(TestSpecs.file("incus-rest-api.yaml"),
        SpecReducer.incus("/1.0/instances", "/recursion1/1.0/instances", "/1.0/operations/{id}/wait"));

    ObjectNode operation(String status, int code) {
      ObjectNode op = Json.mapper().createObjectNode()
          .put("id", OP_ID).put("class", "task").put("description", "Creating instance")
          .put("created_at", "2025-01-01T00:00:00Z").put("updated_at", "2025-01-01T00:00:01Z")
          .put("status", status).put("status_code", code).put("may_cancel", false).put("err", "")
          .put("location", "none");
      op.putObject("resources").putArray("instances").add("/1.0/instances/c1");
      op.putNull("metadata");
      return op;
    }

    CannedFake fake(boolean lazyRecursion) {
      CannedFake fake = new CannedFake("incus", "")
          .route("POST", "/1.0/instances", req -> {
            ObjectNode body = Json.mapper().createObjectNode().put("type", "async").put("status", "Operation created")
                .put("status_code", 100).put("operation", "/1.0/operations/" + OP_ID);
            body.set("metadata", operation("Running", 103));
            return RouteResponse.json(202, body).withHeader("Location", "/1.0/operations/" + OP_ID);
          })
          .route("GET", "/1.0/instances", req -> {
            ObjectNode body = Json.mapper().createObjectNode().put("type", "sync").put("status", "Success")
                .put("status_code", 200);
            if (req.query("recursion").orElse("0").equals("1") && !lazyRecursion) {
              body.putArray("metadata").addObject().put("name", "c1").put("status", "Running")
                  .put("status_code", 103).put("type", "container").putNull("devices");
            } else {
              body.putArray("metadata").add("/1.0/instances/c1");
            }
            return RouteResponse.json(200, body);
          })
          .route("GET", "/1.0/operations/{id}/wait", req -> {
            ObjectNode body = Json.mapper().createObjectNode().put("type", "sync").put("status", "Success")
                .put("status_code", 200);
            body.set("metadata", operation("Success", 200));
            return RouteResponse.json(200, body);
          });
      fake.validateAgainst(contract);
      return fake;
    }

    @Test
    void createFromImageAndWaitForTheOperationPass() {
      try (CannedFake fake = fake(false)) {
        Http http = new Http(fake.baseUrl());
        assertThat(http.post("/1.0/instances?project=default", "{\"name\":\"c1\",\"type\":\"container\","
            + "\"source\":{\"type\":\"image\",\"alias\":\"test-image\"},\"profiles\":[\"default\"],"
            + "\"config\":{\"environment.FOO\":\"bar\"},\"start\":true}").statusCode()).isEqualTo(202);
        assertThat(http.get("/1.0/operations/" + OP_ID + "/wait?timeout=30").statusCode()).isEqualTo(200);

        fake.assertContractRespected();
      }
    }

    @Test
    void aWrongFieldTypeAndAWrongQueryTypeAreReported() {
      try (CannedFake fake = fake(false)) {
        Http http = new Http(fake.baseUrl());
        http.post("/1.0/instances", "{\"name\":42,\"source\":{\"type\":\"image\",\"alias\":\"test-image\"}}");
        http.post("/1.0/instances", "{\"name\":\"c1\",\"ephemeral\":\"yes\"}");
        http.get("/1.0/operations/" + OP_ID + "/wait?timeout=soon");

        List<String> found = fake.contractViolations();
        assertThat(found).hasSize(3);
        assertThat(found.get(0)).contains("validation.request.body.schema.type").contains("/name");
        assertThat(found.get(1)).contains("validation.request.body.schema.type").contains("/ephemeral");
        assertThat(found.get(2)).contains("validation.request.parameter").contains("timeout");
      }
    }

    @Test
    void recursionRequestsAreJudgedAgainstTheirOwnAnswerShape() {
      try (CannedFake fake = fake(false)) {
        Http http = new Http(fake.baseUrl());
        http.get("/1.0/instances");
        http.get("/1.0/instances?recursion=1");
        fake.assertContractRespected();
      }
      try (CannedFake lazy = fake(true)) {
        new Http(lazy.baseUrl()).get("/1.0/instances?recursion=1");
        assertThat(lazy.contractViolations()).isNotEmpty()
            .allSatisfy(v -> assertThat(v).startsWith("GET /1.0/instances?recursion=1 (response)"));
      }
    }
  }
}
