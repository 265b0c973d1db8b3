package dev.tenantwright.testkit.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code chaos.object}: a resource type that talks HTTP (JDK client) to {@link ObjectsFake} the way a real plugin
 * talks to its backend — converging creates (look up by the deterministic name first, adopt or report what it
 * finds), "already gone" deletes, and errors classified as retryable (5xx, 429 with Retry-After, I/O) or
 * permanent (other 4xx).
 */
final class ChaosObjectType implements ResourceType<ChaosObjectType.Spec, ChaosObjectType.Out> {

  /** The spec: a value and an optional token (a generated secret sent to the backend). */
  record Spec(String value, @Nullable Secret token) {}

  /** The outputs. */
  record Out(String id, String name) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ChaosObjectType(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  @Override
  public String type() {
    return "chaos.object";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<Out> outputType() {
    return Out.class;
  }

  @Override
  public CreateResult<Out> create(Spec spec, StepContext ctx) {
    String name = ctx.resourceName();
    for (JsonNode o : find(name)) {
      String marker = o.path("marker").asText();
      Out out = new Out(o.path("id").asText(), name);
      if (ctx.isOurs(marker)) {
        return CreateResult.created(out);
      }
      if (ctx.belongsHere(marker)) {
        return CreateResult.adopted(out);
      }
      throw new PermanentException("objects: " + name + " exists and belongs to someone else");
    }
    ObjectNode body = JSON.createObjectNode().put("name", name).put("marker", ctx.ownershipMarker())
        .put("value", spec.value());
    if (spec.token() != null) {
      body.put("token", spec.token().reveal());
    }
    JsonNode created = send("POST", "/v1/objects", body.toString());
    return CreateResult.created(new Out(created.path("id").asText(), name));
  }

  @Override
  public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) {
    List<JsonNode> found = find(ctx.resourceName());
    return found.isEmpty() ? Optional.empty()
        : Optional.of(new Out(found.get(0).path("id").asText(), ctx.resourceName()));
  }

  @Override
  public void delete(Spec spec, Out outputs, StepContext ctx) {
    for (JsonNode o : find(ctx.resourceName())) {
      if (ctx.belongsHere(o.path("marker").asText())) {
        send("DELETE", "/v1/objects/" + o.path("id").asText(), null);
      }
    }
  }

  private List<JsonNode> find(String name) {
    JsonNode list = send("GET", "/v1/objects?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8), null);
    List<JsonNode> out = new ArrayList<>();
    list.forEach(out::add);
    return out;
  }

  private JsonNode send(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(5));
    b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RetryableException("objects: " + method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException("objects: interrupted", e);
    }
    int status = response.statusCode();
    if (status == 404 && "DELETE".equals(method)) {
      return JSON.createObjectNode();
    }
    if (status == 429) {
      long seconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
      throw RetryableException.rateLimited("objects: rate limited", Duration.ofSeconds(seconds));
    }
    if (status >= 500) {
      throw new RetryableException("objects: " + method + " " + path + " answered " + status);
    }
    if (status >= 400) {
      throw new PermanentException("objects: " + method + " " + path + " answered " + status + ": " + response.body());
    }
    try {
      return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new RetryableException("objects: unreadable answer to " + method + " " + path, e);
    }
  }
}
