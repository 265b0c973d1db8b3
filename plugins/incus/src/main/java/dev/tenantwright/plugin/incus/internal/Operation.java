package dev.tenantwright.plugin.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * A finished Incus operation as {@code GET /1.0/operations/{id}/wait} reported it.
 *
 * @param id the operation's id
 * @param description what Incus says it did, e.g. {@code Executing command}
 * @param statusCode the final status code: 200 success
 * @param metadata the operation's own metadata (exec: {@code return} and {@code output}); a missing node
 *     when there is none
 */
public record Operation(String id, String description, int statusCode, JsonNode metadata) {

  /** Reads the operation object of a wait answer. */
  static Operation from(JsonNode op) {
    JsonNode md = op.path("metadata");
    return new Operation(op.path("id").asText(""), op.path("description").asText(""),
        op.path("status_code").asInt(), md.isNull() ? MissingNode.getInstance() : md);
  }
}
