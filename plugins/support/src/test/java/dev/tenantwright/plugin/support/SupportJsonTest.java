package dev.tenantwright.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import dev.tenantwright.spi.Nullable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SupportJsonTest {

  enum ReadyState {
    QUEUED,
    BUILDING,
    READY,
    ERROR,
    @JsonEnumDefaultValue
    UNKNOWN
  }

  record Deployment(String id, ReadyState readyState, @Nullable Instant createdAt) {}

  record Service(String image, @Nullable List<String> ports, Map<String, String> environment) {}

  @Test
  void ignoresPropertiesABackendAddedLater() throws Exception {
    Deployment d = SupportJson.mapper().readValue("{\"id\":\"dpl_1\",\"readyState\":\"READY\",\"brandNew\":{\"x\":1}}", Deployment.class);

    assertThat(d).isEqualTo(new Deployment("dpl_1", ReadyState.READY, null));
  }

  @Test
  void mapsAnEnumValueItDoesNotKnowToTheMarkedDefault() throws Exception {
    Deployment d = SupportJson.mapper().readValue("{\"id\":\"dpl_1\",\"readyState\":\"BLOCKED\"}", Deployment.class);

    assertThat(d.readyState()).isEqualTo(ReadyState.UNKNOWN);
  }

  @Test
  void writesTimesAsIsoTextAndLeavesOutNulls() throws Exception {
    String json = SupportJson.mapper().writeValueAsString(
        Map.of("at", Instant.parse("2026-01-01T00:00:00Z"), "wait", Duration.ofSeconds(90)));
    String withNull = SupportJson.mapper().writeValueAsString(new Deployment("dpl_1", ReadyState.QUEUED, null));

    assertThat(json).contains("\"at\":\"2026-01-01T00:00:00Z\"").contains("\"wait\":\"PT1M30S\"");
    assertThat(withNull).isEqualTo("{\"id\":\"dpl_1\",\"readyState\":\"QUEUED\"}");
  }

  @Test
  void writesYamlWithoutDocumentMarkerAndWithQuotedStrings() throws Exception {
    String yaml = SupportJson.yamlMapper().writeValueAsString(
        Map.of("services", Map.of("web", new Service("nginx:1.27", List.of("8080:80"), Map.of("DEBUG", "no")))));

    assertThat(yaml).doesNotStartWith("---").contains("\"8080:80\"").contains("DEBUG: \"no\"");
    assertThat(SchemaValidator.compose().validateYaml(yaml)).isEmpty();
  }
}
