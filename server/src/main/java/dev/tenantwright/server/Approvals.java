package dev.tenantwright.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Approval requests: a destructive change to live that the SDK refused for want of an approval is kept here, as it
 * was asked, until an admin approves it (then it runs, with the approver recorded in the journal) or rejects it. With
 * two-person approval the approver must be another token name than the requester. Shared by every node (the
 * server store), and idempotent: the same request with the same {@code Idempotency-Key} is the same approval
 * request, and an approval starts its run under a key derived from its id, so approving twice starts one run.
 */
final class Approvals {

  private final ServerStore store;
  private final Clock clock;
  private final boolean twoPerson;

  Approvals(ServerStore store, Clock clock, boolean twoPerson) {
    this.store = store;
    this.clock = clock;
    this.twoPerson = twoPerson;
  }

  boolean twoPerson() {
    return twoPerson;
  }

  /** Files the request (or returns the one filed with the same key). */
  ObjectNode request(String operation, String tenantId, String environment, ObjectNode body, String key,
      Principal requester, String why) {
    String requestKey = key == null ? null : operation + "|" + tenantId + "|" + environment + "|" + key;
    if (requestKey != null) {
      Optional<ObjectNode> same = byKey(requestKey);
      if (same.isPresent()) {
        return same.get();
      }
    }
    String id = "apr_" + UUID.randomUUID().toString().replace("-", "");
    try {
      store.update("INSERT INTO tws_approval (id, state, operation, tenant_id, environment, request, why,"
              + " requested_by, requested_at, request_key) VALUES (?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?)", id,
          operation, tenantId, environment, body.toString(), truncate(why, 1000), requester.name(), clock.millis(),
          requestKey);
    } catch (ServerStore.StoreException e) {
      if (requestKey != null && ServerStore.duplicate(e)) {
        return byKey(requestKey).orElseThrow(() -> e);
      }
      throw e;
    }
    return get(id);
  }

  private Optional<ObjectNode> byKey(String requestKey) {
    return store.one("SELECT * FROM tws_approval WHERE request_key = ?", Approvals::view, requestKey);
  }

  ObjectNode get(String id) {
    return store.one("SELECT * FROM tws_approval WHERE id = ?", Approvals::view, id)
        .orElseThrow(() -> ApiException.notFound("approval request '" + id + "' does not exist"));
  }

  List<ObjectNode> list(String state, int limit) {
    return state == null
        ? store.list("SELECT * FROM tws_approval ORDER BY requested_at DESC FETCH FIRST " + limit + " ROWS ONLY",
            Approvals::view)
        : store.list("SELECT * FROM tws_approval WHERE state = ? ORDER BY requested_at DESC FETCH FIRST " + limit
            + " ROWS ONLY", Approvals::view, state);
  }

  /**
   * Approves and runs the request through {@code operations}.
   *
   * @throws ApiException 409 when it was decided already, 403 when two-person approval is on and the approver asked
   */
  ObjectNode approve(String id, Principal approver, String reason, Operations operations) {
    ObjectNode a = get(id);
    if (!"PENDING".equals(a.get("state").asText())) {
      throw ApiException.conflict("approval request " + id + " is " + a.get("state").asText() + " already");
    }
    String requester = a.get("requestedBy").asText();
    if (twoPerson && requester.equals(approver.name())) {
      throw new ApiException(403, "two-person-approval", "this server needs a second person: '" + requester
          + "' asked for it, so another admin must approve it", null);
    }
    ObjectNode body = request(id);
    RunOptions options = Requests.runOptionsFromBody(body, requester).idempotencyKey("approval-" + id)
        .approval(approver.name(), reason);
    Object result = operations.execute(a.get("operation").asText(), a.get("tenant").asText(),
        a.hasNonNull("environment") ? a.get("environment").asText() : null, body, options);
    String runId = result instanceof Run r ? r.id() : null;
    store.update("UPDATE tws_approval SET state = 'APPROVED', decided_by = ?, decided_at = ?, decision_reason = ?,"
        + " run_id = ? WHERE id = ? AND state = 'PENDING'", approver.name(), clock.millis(), truncate(reason, 500), runId,
        id);
    return get(id);
  }

  ObjectNode reject(String id, Principal decider, String reason) {
    int n = store.update("UPDATE tws_approval SET state = 'REJECTED', decided_by = ?, decided_at = ?,"
        + " decision_reason = ? WHERE id = ? AND state = 'PENDING'", decider.name(), clock.millis(),
        truncate(reason, 500), id);
    if (n == 0) {
      ObjectNode a = get(id);
      throw ApiException.conflict("approval request " + id + " is " + a.get("state").asText() + " already");
    }
    return get(id);
  }

  private ObjectNode request(String id) {
    String raw = store.one("SELECT request FROM tws_approval WHERE id = ?", rs -> rs.getString(1), id).orElseThrow();
    try {
      return (ObjectNode) Views.JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("approval request " + id + " holds no JSON", e);
    }
  }

  private static ObjectNode view(ResultSet rs) throws SQLException {
    ObjectNode o = Views.JSON.createObjectNode();
    o.put("object", "approval");
    o.put("id", rs.getString("id"));
    o.put("state", rs.getString("state"));
    o.put("operation", rs.getString("operation"));
    o.put("tenant", rs.getString("tenant_id"));
    o.put("environment", rs.getString("environment"));
    o.put("why", rs.getString("why"));
    o.put("requestedBy", rs.getString("requested_by"));
    o.put("requestedAt", Instant.ofEpochMilli(rs.getLong("requested_at")).toString());
    o.put("reason", rs.getString("decision_reason"));
    o.put("decidedBy", rs.getString("decided_by"));
    Long decided = ServerStore.nullableLong(rs, "decided_at");
    o.put("decidedAt", decided == null ? null : Instant.ofEpochMilli(decided).toString());
    o.put("run", rs.getString("run_id"));
    return o;
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
