package dev.tenantwright.plugin.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tenantwright.spi.PermanentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks generated files against the official JSON schemas before a plugin applies them: a Compose file
 * before {@code docker compose up}, a Traefik file-provider file before it is renamed into the watched
 * directory (where one bad file would block every route).
 *
 * <p>The schemas ship inside this jar (compose-spec draft-07 and SchemaStore's Traefik v3 file provider);
 * nothing is fetched over the network. Each validator is built once, on first use, and is thread-safe.
 * Problems come back as readable lines, each naming the location in the document and what is wrong.
 *
 * <pre>{@code
 * List<String> problems = SchemaValidator.compose().validateYaml(composeYaml);
 * // e.g. ["/services/web: property 'imagee' is not defined in the schema and the schema does not allow additional properties"]
 * SchemaValidator.traefik().requireValidYaml("routes/acme-web.yml", traefikYaml);
 * }</pre>
 */
public final class SchemaValidator {

  private static final String RESOURCES = "/dev/tenantwright/plugin/support/schemas/";
  private static final String ID_BASE = "https://schemas.tenantwright.dev/";

  private final String name;
  private final Schema schema;

  private SchemaValidator(String name, Schema schema) {
    this.name = name;
    this.schema = schema;
  }

  private static final class ComposeHolder {
    static final SchemaValidator INSTANCE = load("compose", "compose-spec.json");
  }

  private static final class TraefikHolder {
    static final SchemaValidator INSTANCE = load("traefik", "traefik-v3-file-provider.json");
  }

  /** The Compose specification schema (compose-spec {@code schema/compose-spec.json}, draft-07). */
  public static SchemaValidator compose() {
    return ComposeHolder.INSTANCE;
  }

  /** The Traefik v3 dynamic-configuration file-provider schema (SchemaStore, draft-07). */
  public static SchemaValidator traefik() {
    return TraefikHolder.INSTANCE;
  }

  /** Which schema this is, e.g. {@code compose}. */
  public String name() {
    return name;
  }

  /** The problems in a YAML document, empty when it is valid; a YAML syntax error is one problem. */
  public List<String> validateYaml(String yaml) {
    return validate(yaml, SupportJson.yamlMapper(), "YAML");
  }

  /** The problems in a JSON document, empty when it is valid; a JSON syntax error is one problem. */
  public List<String> validateJson(String json) {
    return validate(json, SupportJson.mapper(), "JSON");
  }

  /**
   * Throws if the YAML document is invalid.
   *
   * @param file names the document in the message, e.g. {@code compose.yaml of site acme}
   * @throws PermanentException listing every problem
   */
  public void requireValidYaml(String file, String yaml) {
    List<String> problems = validateYaml(yaml);
    if (!problems.isEmpty()) {
      throw new PermanentException(
          file + " does not match the " + name + " schema: " + String.join("; ", problems));
    }
  }

  private List<String> validate(String text, ObjectMapper mapper, String format) {
    Objects.requireNonNull(text, "document");
    JsonNode node;
    try {
      node = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage().strip().replaceAll("\\s+", " ");
      return List.of("not valid " + format + location(e) + ": " + why);
    }
    if (node == null || node.isMissingNode()) {
      return List.of("the document is empty");
    }
    Set<String> problems = new LinkedHashSet<>();
    for (com.networknt.schema.Error error : schema.validate(node)) {
      problems.add(describe(error));
    }
    return new ArrayList<>(problems);
  }

  private static String describe(com.networknt.schema.Error error) {
    String where = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
    String message = error.getMessage();
    return (where.isEmpty() ? "/" : where) + ": " + message;
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static SchemaValidator load(String name, String resource) {
    String text;
    try (InputStream in = SchemaValidator.class.getResourceAsStream(RESOURCES + resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing from the jar: " + RESOURCES + resource);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema " + resource, e);
    }
    String id = ID_BASE + resource;
    // Schemas are served from memory only: remote $ref fetching stays off (the 2.x default).
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7, b -> b.schemas(Map.of(id, text)));
    Schema schema = registry.getSchema(SchemaLocation.of(id));
    schema.initializeValidators();
    return new SchemaValidator(name, schema);
  }
}
