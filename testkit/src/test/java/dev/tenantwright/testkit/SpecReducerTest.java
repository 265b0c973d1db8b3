package dev.tenantwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecReducerTest {

  private static final String OAS3 = """
      {"openapi":"3.0.3","info":{"title":"t","version":"1"},
       "security":[{"bearer":[]}],
       "paths":{
         "/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}},
                                   "4xx":{"$ref":"#/components/responses/Err"}}}},
         "/a/{id}":{"get":{"security":[],"parameters":[{"name":"id","in":"path","required":true,
                    "schema":{"description":"id or name","oneOf":[{"type":"string"},{"type":"boolean"}]}}],
                    "responses":{"200":{"description":"ok"}}}},
         "/b":{"post":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/C"}}}},
                       "responses":{"200":{"description":"ok"}}}},
         "/b?recursion=1":{"get":{"responses":{"200":{"description":"ok"}}}}
       },
       "components":{
         "schemas":{
           "A":{"type":"object","properties":{"b":{"$ref":"#/components/schemas/B"},
                "color":{"type":"string","enum":["red","green","red","blue","green"]}}},
           "B":{"type":"array","items":{"type":"string"}},
           "C":{"type":"object"},
           "D":{"type":"object","properties":{"c":{"$ref":"#/components/schemas/C"}}},
           "E":{"type":"object"}
         },
         "responses":{"Err":{"description":"error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/E"}}}},
                      "Unused":{"description":"x"}},
         "securitySchemes":{"bearer":{"type":"http","scheme":"bearer"}}
       }}
      """;

  private static final String SWAGGER2 = """
      {"swagger":"2.0","info":{"title":"t","version":"1"},
       "paths":{
         "/1.0/instances":{"get":{"parameters":[{"name":"filter","in":"query","type":"array","items":{"type":"string"}}],
                                  "responses":{"200":{"description":"ok","schema":{"type":"object","properties":{
                                    "metadata":{"type":"array","items":{"type":"string"}}}}}}}},
         "/1.0/instances?recursion=1":{"get":{"responses":{"200":{"description":"ok","schema":{"type":"object",
             "properties":{"metadata":{"type":"array","items":{"$ref":"#/definitions/Instance"}}}}}}}},
         "/1.0/instances?recursion=2":{"get":{"responses":{"200":{"description":"ok"}}}},
         "/1.0/images?public":{"get":{"responses":{"200":{"description":"ok"}}}},
         "/1.0/images?public&recursion=1":{"get":{"responses":{"200":{"description":"ok"}}}}
       },
       "definitions":{
         "Instance":{"type":"object","properties":{"config":{"$ref":"#/definitions/ConfigMap"},
                     "name":{"type":"string"}},"example":{"type":"object"}},
         "ConfigMap":{"type":"object","additionalProperties":{"type":"string"}},
         "Unused":{"type":"object"}
       }}
      """;

  @Test
  void keepsOnlyTheWantedPathsAndTheComponentsTheyReachTransitively() {
    ObjectNode reduced = SpecReducer.keeping("/a").reduce(Json.readJson(OAS3));

    assertThat(names(reduced.get("paths"))).containsExactly("/a");
    assertThat(names(reduced.at("/components/schemas"))).containsExactlyInAnyOrder("A", "B", "E");
    assertThat(names(reduced.at("/components/responses"))).containsExactly("Err");
    assertThat(names(reduced.at("/components/securitySchemes"))).containsExactly("bearer");
  }

  @Test
  void aTrailingStarKeepsEveryPathWithThatPrefix() {
    ObjectNode reduced = SpecReducer.keeping("/a*").reduce(Json.readJson(OAS3));

    assertThat(names(reduced.get("paths"))).containsExactly("/a", "/a/{id}");
  }

  @Test
  void aWantedPathTheDocumentLacksIsAnError() {
    assertThatThrownBy(() -> SpecReducer.keeping("/a", "/nope").reduce(Json.readJson(OAS3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the document has no path '/nope'");
  }

  @Test
  void aWebhookOnlyOpenApi31DocumentKeepsWhatItsWebhooksReach() {
    ObjectNode reduced = SpecReducer.keeping().reduce(Json.readJson("""
        {"openapi":"3.1.0","info":{"title":"t","version":"1"},
         "webhooks":{"push":{"post":{"requestBody":{"content":{"application/json":{"schema":{
           "$ref":"#/components/schemas/Push"}}}},"responses":{"200":{"description":"ok"}}}}},
         "components":{"schemas":{"Push":{"type":"object","properties":{"repo":{"$ref":"#/components/schemas/Repo"}}},
           "Repo":{"type":["object","null"]},"Unused":{"type":"object"}}}}
        """));

    assertThat(names(reduced.at("/components/schemas"))).containsExactly("Push", "Repo");
    assertThatThrownBy(() -> SpecReducer.keeping().reduce(Json.readJson("{\"openapi\":\"3.1.0\"}")))
        .hasMessageContaining("no 'paths'");
  }

  @Test
  void leavesTheInputDocumentUntouched() {
    JsonNode original = Json.readJson(OAS3);
    JsonNode copy = original.deepCopy();

    SpecReducer.cloudflare("/a").reduce(original);

    assertThat(original).isEqualTo(copy);
  }

  @Test
  void dropsPathKeysThatCarryAQuery() {
    ObjectNode reduced = SpecReducer.keeping().reduce(Json.readJson(OAS3));

    assertThat(names(reduced.get("paths"))).containsExactly("/a", "/a/{id}", "/b");
  }

  @Test
  void removesDuplicateEnumValuesKeepingTheirOrder() {
    ObjectNode reduced = SpecReducer.keeping("/a").reduce(Json.readJson(OAS3));

    assertThat(reduced.at("/components/schemas/A/properties/color/enum"))
        .extracting(JsonNode::asText).containsExactly("red", "green", "blue");
  }

  @Test
  void writesStatusRangesInUpperCase() {
    ObjectNode reduced = SpecReducer.keeping("/a").reduce(Json.readJson(OAS3));

    assertThat(names(reduced.at("/paths/~1a/get/responses"))).containsExactly("200", "4XX");
  }

  @Test
  void copiesTheTopLevelSecurityIntoOperationsThatDeclareNone() {
    ObjectNode reduced = SpecReducer.keeping().reduce(Json.readJson(OAS3));

    assertThat(reduced.at("/paths/~1a/get/security").toString()).isEqualTo("[{\"bearer\":[]}]");
    assertThat(reduced.at("/paths/~1a~1{id}/get/security").toString()).isEqualTo("[]");
  }

  @Test
  void turnsAParameterThatMayBeAStringIntoAString() {
    ObjectNode reduced = SpecReducer.keeping("/a/{id}").reduce(Json.readJson(OAS3));

    assertThat(reduced.at("/paths/~1a~1{id}/get/parameters/0/schema").toString())
        .isEqualTo("{\"type\":\"string\",\"description\":\"id or name\"}");
  }

  @Test
  void incusKeepsRecursionKeysUnderTheirOwnPrefixAndMarksObjectsAndArraysNullable() {
    ObjectNode reduced = SpecReducer.incus().reduce(Json.readJson(SWAGGER2));

    assertThat(names(reduced.get("paths")))
        .containsExactly("/1.0/instances", "/recursion1/1.0/instances", "/recursion2/1.0/instances");
    assertThat(names(reduced.get("definitions"))).containsExactlyInAnyOrder("Instance", "ConfigMap");
    assertThat(reduced.at("/definitions/Instance/x-nullable").asBoolean()).isTrue();
    assertThat(reduced.at("/definitions/ConfigMap/x-nullable").asBoolean()).isTrue();
    assertThat(reduced.at("/paths/~11.0~1instances/get/responses/200/schema/properties/metadata/x-nullable").asBoolean())
        .isTrue();
    assertThat(reduced.at("/paths/~11.0~1instances/get/parameters/0").has("x-nullable")).isFalse();
    assertThat(reduced.at("/definitions/Instance/example").has("x-nullable")).isFalse();
  }

  @Test
  void customPatchesRunLastAndNameTheReducer() {
    SpecReducer reducer = SpecReducer.keeping("/a").with(SpecPatch.of("title", doc -> doc.withObjectProperty("info").put("title", "patched")));

    assertThat(reducer.reduce(Json.readJson(OAS3)).at("/info/title").asText()).isEqualTo("patched");
    assertThat(reducer).hasToString("SpecReducer[/a][title]");
  }

  @Test
  void vercelsDuplicateEnumsAreAllRemoved() {
    JsonNode full = SpecReducer.read(TestSpecs.file("vercel-openapi-2025-10-27.json"));
    assertThat(enumsWithDuplicates(full)).hasSize(25);

    ObjectNode reduced = SpecReducer.keeping().reduce(full);

    assertThat(enumsWithDuplicates(reduced)).isEmpty();
    assertThat(reduced.get("paths").size()).isEqualTo(full.get("paths").size());
  }

  @Test
  void cloudflaresDnsOperationsArePatchedAsTheRecipeSays() {
    ObjectNode reduced = SpecReducer.cloudflare("/zones/{zone_id}/dns_records", "/zones/{zone_id}/dns_records/{dns_record_id}")
        .reduce(SpecReducer.read(TestSpecs.file("cloudflare-openapi-2024-08-07.json")));

    assertThat(reduced.at("/servers/0/url").asText()).isEqualTo("https://api.cloudflare.com/client/v4");
    JsonNode create = reduced.at("/paths/~1zones~1{zone_id}~1dns_records/post");
    assertThat(create.get("security").toString()).contains("\"api_token\":[]").contains("\"api_email\":[]");
    JsonNode body = create.at("/requestBody/content/application~1json/schema");
    assertThat(body.has("oneOf")).isTrue();
    assertThat(body.has("required")).isFalse();
    assertThat(reduced.at("/components/schemas/dns-records_comment/nullable").asBoolean()).isTrue();
    assertThat(names(create.get("responses"))).contains("200", "4XX");
    assertThat(reduced.at("/components/schemas").size()).isLessThan(200);
  }

  @Test
  void aReducedDocumentCanBeShippedAsAResourceAndLoadedAgain(@TempDir Path dir) throws Exception {
    ObjectNode reduced = SpecReducer.keeping("/v11/projects", "/v9/projects/{idOrName}")
        .reduce(SpecReducer.read(TestSpecs.file("vercel-openapi-2025-10-27.json")));
    Path copy = dir.resolve("vercel-projects.json");
    Files.writeString(copy, SpecReducer.toJson(reduced));

    assertThat(Files.size(copy)).isLessThan(Files.size(TestSpecs.file("vercel-openapi-2025-10-27.json")) / 5);
    OpenApiContract shipped = OpenApiContract.load(copy, SpecReducer.keeping());
    assertThat(shipped.checkRequest("POST", "/v11/projects",
        Map.of("Authorization", "Bearer t", "Content-Type", "application/json"), "{\"name\":\"acme\"}")).isEmpty();
    assertThat(shipped.checkRequest("POST", "/v11/projects",
        Map.of("Authorization", "Bearer t", "Content-Type", "application/json"), "{}")).isNotEmpty();
  }

  private static List<String> names(JsonNode obj) {
    List<String> out = new ArrayList<>();
    obj.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<JsonNode> enumsWithDuplicates(JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    if (node.isObject() && node.get("enum") != null && node.get("enum").isArray()) {
      List<JsonNode> values = new ArrayList<>();
      node.get("enum").forEach(values::add);
      if (new HashSet<>(values).size() != values.size()) {
        out.add(node.get("enum"));
      }
    }
    if (node.isContainerNode()) {
      node.forEach(child -> out.addAll(enumsWithDuplicates(child)));
    }
    return out;
  }
}
