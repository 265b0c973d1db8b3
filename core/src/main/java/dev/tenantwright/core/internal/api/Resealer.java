package dev.tenantwright.core.internal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.internal.journal.Sql;
import dev.tenantwright.core.internal.json.JournalCodec;
import dev.tenantwright.core.internal.json.Scopes;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.util.List;

/**
 * Moves every sealed value in the journal to the primary key after a key rotation, keeping each bound to its
 * place; afterwards the retired key can be dropped from the configuration. Each row is rewritten in its own
 * transaction and only when something in it changed, so the re-seal can be interrupted and run again, also while
 * engines work (a row written meanwhile is already sealed with the primary key).
 */
final class Resealer {

  private static final ObjectMapper PLAIN = new ObjectMapper();

  private final Sql sql;
  private final JournalCodec codec;

  Resealer(Sql sql, JournalCodec codec) {
    this.sql = sql;
    this.codec = codec;
  }

  /** Re-seals everything; returns how many rows changed. */
  int reseal() {
    int changed = 0;
    for (String[] r : sql.read(c -> Sql.list(c, "SELECT environment_id, name, outputs, resolved, params FROM tw_resource",
        rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)}))) {
      String outputs = codec.reseal(r[2], Scopes.resource(r[0], r[1], "outputs"));
      String resolved = r[3] == null ? null : codec.reseal(r[3], Scopes.resource(r[0], r[1], "resolved"));
      String params = codec.reseal(r[4], Scopes.resource(r[0], r[1], "params"));
      if (outputs != null || resolved != null || params != null) {
        sql.transaction(c -> Sql.update(c, "UPDATE tw_resource SET outputs = coalesce(?, outputs),"
            + " resolved = coalesce(?, resolved), params = coalesce(?, params) WHERE environment_id = ? AND name = ?",
            outputs, resolved, params, r[0], r[1]));
        changed++;
      }
    }
    for (String[] r : sql.read(c -> Sql.list(c, "SELECT s.run_id, s.name, s.outputs, r.environment_id FROM tw_step s"
        + " JOIN tw_run r ON r.id = s.run_id WHERE s.outputs IS NOT NULL",
        rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)}))) {
      String outputs = codec.reseal(r[2], Scopes.resource(r[3], r[1], "outputs"));
      if (outputs != null) {
        sql.transaction(c -> Sql.update(c, "UPDATE tw_step SET outputs = ? WHERE run_id = ? AND name = ?",
            outputs, r[0], r[1]));
        changed++;
      }
    }
    for (String[] r : sql.read(c -> Sql.list(c, "SELECT id, parameters FROM tw_environment",
        rs -> new String[] {rs.getString(1), rs.getString(2)}))) {
      String params = codec.reseal(r[1], Scopes.parameters(r[0]));
      if (params != null) {
        sql.transaction(c -> Sql.update(c, "UPDATE tw_environment SET parameters = ? WHERE id = ?", params, r[0]));
        changed++;
      }
    }
    for (String[] r : sql.read(c -> Sql.list(c, "SELECT id, options FROM tw_run",
        rs -> new String[] {rs.getString(1), rs.getString(2)}))) {
      String options = runOptions(r[0], r[1]);
      if (options != null) {
        sql.transaction(c -> Sql.update(c, "UPDATE tw_run SET options = ? WHERE id = ?", options, r[0]));
        changed++;
      }
    }
    return changed;
  }

  /** A run's options hold its variables and copies of resource rows (whose JSON columns are sealed for them). */
  private String runOptions(String runId, String json) {
    String top = codec.reseal(json, Scopes.run(runId));
    try {
      ObjectNode spec = (ObjectNode) PLAIN.readTree(top != null ? top : json);
      boolean copies = false;
      for (String field : List.of("previous", "sourceRows")) {
        JsonNode rows = spec.path(field);
        if (!rows.isObject()) {
          continue;
        }
        for (JsonNode row : rows) {
          copies |= resealCopy((ObjectNode) row);
        }
      }
      return copies ? PLAIN.writeValueAsString(spec) : top;
    } catch (IOException | ClassCastException e) {
      throw new TenantwrightException("corrupt options of run " + runId + ": " + e.getMessage(), e);
    }
  }

  private boolean resealCopy(ObjectNode row) {
    String env = row.path("environmentId").asText();
    String name = row.path("name").asText();
    boolean changed = false;
    for (String[] col : new String[][] {{"outputsJson", "outputs"}, {"resolvedJson", "resolved"},
        {"paramsJson", "params"}}) {
      JsonNode v = row.get(col[0]);
      if (v != null && v.isTextual()) {
        String resealed = codec.reseal(v.asText(), Scopes.resource(env, name, col[1]));
        if (resealed != null) {
          row.put(col[0], resealed);
          changed = true;
        }
      }
    }
    return changed;
  }
}
