package dev.tenantwright.core.internal.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.core.FleetRequest;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link FleetRequest} as the journal keeps it, so that any engine can drive the operation after a crash. Secrets
 * are refused as fleet parameters: they would have to be stored with the operation.
 */
record FleetSpec(RunKind kind, String blueprint, Integer version, Map<String, Object> parameters, List<String> tenants,
    List<String> kinds, int canary, int growth, int maxInFlight, double threshold, String gate, String actor,
    String reason, String approvedBy, String approvalReason) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static FleetSpec of(FleetRequest r) {
    RunOptions o = r.options();
    for (Map.Entry<String, Object> p : o.parameters().entrySet()) {
      if (p.getValue() instanceof Secret) {
        throw new ValidationException("parameters." + p.getKey(), "a fleet operation cannot carry a Secret: it would be"
            + " stored with the operation; give it to the blueprint as a host secret");
      }
    }
    List<String> kinds = r.environmentKinds().stream().map(EnvironmentKind::name).toList();
    return new FleetSpec(r.kind(), r.blueprintName(), r.version(), new LinkedHashMap<>(o.parameters()),
        List.copyOf(r.tenantIds()), kinds, r.canarySize(), r.growthFactor(), r.inFlight(), r.threshold(), r.gateName(),
        o.actorName(), o.reasonText(), o.approvalGiven() == null ? null : o.approvalGiven().by(),
        o.approvalGiven() == null ? null : o.approvalGiven().reason());
  }

  /** The options each environment's run gets, with the idempotency key that makes its start happen once. */
  RunOptions options(String idempotencyKey) {
    RunOptions o = RunOptions.defaults().idempotencyKey(idempotencyKey);
    for (Map.Entry<String, Object> p : parameters.entrySet()) {
      o = o.parameter(p.getKey(), p.getValue());
    }
    if (version != null) {
      o = o.blueprintVersion(version);
    }
    if (actor != null) {
      o = o.actor(actor);
    }
    if (reason != null) {
      o = o.reason(reason);
    }
    if (approvedBy != null) {
      o = o.approval(approvedBy, approvalReason);
    }
    return o;
  }

  /** The size of every wave for {@code items} environments: the canary, then each {@code growth} times the last. */
  List<Integer> waves(int items) {
    List<Integer> sizes = new ArrayList<>();
    long size = canary;
    int left = items;
    while (left > 0) {
      int n = (int) Math.min(size, left);
      sizes.add(n);
      left -= n;
      size = Math.min((long) size * growth, Integer.MAX_VALUE);
    }
    return sizes;
  }

  String write() {
    try {
      return MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a fleet operation's spec", e);
    }
  }

  static FleetSpec read(String json) {
    try {
      return MAPPER.readValue(json, FleetSpec.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot read a fleet operation's spec: " + e.getOriginalMessage(), e);
    }
  }
}
