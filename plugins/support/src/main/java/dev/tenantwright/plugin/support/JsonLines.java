package dev.tenantwright.plugin.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.spi.PermanentException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses the JSON a CLI prints for a list of things, whichever of the two usual shapes it uses: one JSON
 * array, or JSON Lines (one object per line).
 *
 * <p>Why both: {@code docker compose ps --format json} printed an array before Compose v2.21.0 and prints
 * one object per line since; a plugin must work with either installed. Blank output is an empty list.
 * Stateless; thread-safe.
 *
 * <pre>{@code
 * CommandResult ps = ctx.commands().run(Command.builder("docker", "compose", "-p", project, "ps", "--format", "json").build());
 * List<ContainerState> containers = JsonLines.parse(ps.requireSuccess().stdout(), ContainerState.class);
 * }</pre>
 */
public final class JsonLines {

  private JsonLines() {}

  /**
   * The values in {@code output}: the elements of a single top-level array, or each top-level value in
   * turn (one per line, or simply concatenated).
   *
   * @throws PermanentException if the output is not JSON, naming the line where it stops being JSON
   */
  public static List<JsonNode> parse(String output) {
    Objects.requireNonNull(output, "output");
    ObjectMapper mapper = SupportJson.mapper();
    List<JsonNode> values = new ArrayList<>();
    try (JsonParser parser = mapper.createParser(output);
        MappingIterator<JsonNode> it = mapper.readValues(parser, JsonNode.class)) {
      while (it.hasNextValue()) {
        values.add(it.nextValue());
      }
    } catch (IOException e) {
      String where = e instanceof JsonProcessingException jpe && jpe.getLocation() != null
          ? " at line " + jpe.getLocation().getLineNr()
          : "";
      String why = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new PermanentException(
          "command output is neither a JSON array nor JSON lines" + where + ": " + why, e);
    }
    if (values.size() == 1 && values.get(0).isArray()) {
      List<JsonNode> elements = new ArrayList<>(values.get(0).size());
      values.get(0).forEach(elements::add);
      return elements;
    }
    return values;
  }

  /**
   * The values in {@code output} decoded into {@code type} by the shared mapper (unknown properties are
   * ignored).
   *
   * @throws PermanentException if the output is not JSON or a value does not decode into {@code type}
   */
  public static <T> List<T> parse(String output, Class<T> type) {
    List<JsonNode> nodes = parse(output);
    List<T> out = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      try {
        out.add(SupportJson.mapper().treeToValue(nodes.get(i), type));
      } catch (JsonProcessingException e) {
        throw new PermanentException(
            "command output item " + (i + 1) + " is not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
      }
    }
    return out;
  }
}
