package dev.tenantwright.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.spi.PermanentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesTest {

  record Container(String Name, String Service, String State) {}

  @Test
  void readsOneObjectPerLineAsComposeSince2_21PrintsIt() {
    String out =
        """
        {"Name":"acme-web-1","Service":"web","State":"running","Health":"healthy"}
        {"Name":"acme-db-1","Service":"db","State":"running","Health":""}
        """;

    assertThat(JsonLines.parse(out, Container.class))
        .containsExactly(
            new Container("acme-web-1", "web", "running"), new Container("acme-db-1", "db", "running"));
  }

  @Test
  void readsASingleArrayAsComposeBefore2_21PrintedIt() {
    String out = "[{\"Name\":\"acme-web-1\",\"Service\":\"web\",\"State\":\"exited\"}]\n";

    assertThat(JsonLines.parse(out, Container.class)).containsExactly(new Container("acme-web-1", "web", "exited"));
  }

  @Test
  void readsNothingFromBlankOutputOrAnEmptyArray() {
    assertThat(JsonLines.parse("")).isEmpty();
    assertThat(JsonLines.parse("  \n\n")).isEmpty();
    assertThat(JsonLines.parse("[]\n")).isEmpty();
  }

  @Test
  void skipsBlankLinesBetweenObjects() {
    List<JsonNode> nodes = JsonLines.parse("{\"a\":1}\n\n\r\n{\"a\":2}");

    assertThat(nodes).extracting(n -> n.path("a").asInt()).containsExactly(1, 2);
  }

  @Test
  void namesTheLineWhereTheOutputStopsBeingJson() {
    assertThatThrownBy(() -> JsonLines.parse("{\"a\":1}\nWARNING: something odd\n"))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("neither a JSON array nor JSON lines")
        .hasMessageContaining("line 2");
  }

  @Test
  void namesTheItemThatDoesNotDecode() {
    assertThatThrownBy(() -> JsonLines.parse("{\"Name\":\"x\"}\n[1]\n", Container.class))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("item 2")
        .hasMessageContaining("Container");
  }
}
