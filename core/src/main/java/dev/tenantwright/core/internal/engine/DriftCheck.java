package dev.tenantwright.core.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.DriftReport;
import dev.tenantwright.core.DriftStatus;
import dev.tenantwright.spi.Observed;
import dev.tenantwright.spi.Secret;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares what a type's {@code read} returns with the outputs the journal recorded, field by field — except fields
 * marked {@link Observed}, which the backend changes on its own — and writes the finding a refresh step records. Only field names ever leave here: a secret is compared in constant time and a
 * changed one is reported by name. Stateless.
 */
public final class DriftCheck {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DriftCheck() {}

  /** One resource's finding. */
  public record Finding(DriftStatus status, List<String> fields) {

    /** Copies the list. */
    public Finding {
      fields = List.copyOf(fields);
    }

    /** What the step's event says: {@code in sync}, {@code gone} or {@code changed: a, b}. */
    public String message() {
      return switch (status) {
        case IN_SYNC -> "in sync";
        case GONE -> "gone from its backend";
        case CHANGED -> "changed outside Tenantwright: " + String.join(", ", fields);
      };
    }
  }

  /**
   * The finding for one resource.
   *
   * @param recorded the outputs the journal holds (a record, or null)
   * @param now what {@code read} returned
   */
  public static Finding compare(Object recorded, Optional<?> now) {
    if (now.isEmpty()) {
      return new Finding(DriftStatus.GONE, List.of());
    }
    List<String> changed = new ArrayList<>();
    Object current = now.get();
    if (recorded == null || !recorded.getClass().isRecord() || recorded.getClass() != current.getClass()) {
      if (!same(recorded, current)) {
        changed.add("outputs");
      }
    } else {
      for (RecordComponent c : recorded.getClass().getRecordComponents()) {
        if (!c.isAnnotationPresent(Observed.class) && !same(value(c, recorded), value(c, current))) {
          changed.add(c.getName());
        }
      }
    }
    return new Finding(changed.isEmpty() ? DriftStatus.IN_SYNC : DriftStatus.CHANGED, changed);
  }

  /** Equality that never shows a secret and compares secrets in constant time, also inside lists and maps. */
  static boolean same(Object a, Object b) {
    if (a instanceof Secret sa && b instanceof Secret sb) {
      return MessageDigest.isEqual(sa.reveal().getBytes(StandardCharsets.UTF_8),
          sb.reveal().getBytes(StandardCharsets.UTF_8));
    }
    if (a instanceof Collection<?> ca && b instanceof Collection<?> cb) {
      if (ca.size() != cb.size()) {
        return false;
      }
      Iterator<?> ia = ca.iterator();
      Iterator<?> ib = cb.iterator();
      while (ia.hasNext()) {
        if (!same(ia.next(), ib.next())) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      if (!ma.keySet().equals(mb.keySet())) {
        return false;
      }
      for (Map.Entry<?, ?> e : ma.entrySet()) {
        if (!same(e.getValue(), mb.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a != null && b != null && a.getClass().isRecord() && a.getClass() == b.getClass()) {
      for (RecordComponent c : a.getClass().getRecordComponents()) {
        if (!c.isAnnotationPresent(Observed.class) && !same(value(c, a), value(c, b))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  private static Object value(RecordComponent c, Object record) {
    try {
      c.getAccessor().setAccessible(true);
      return c.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
      throw new IllegalStateException("cannot read field '" + c.getName() + "' of " + record.getClass().getName(), e);
    }
  }

  /** The finding as the refresh step's recorded outputs (field names only). */
  public static String write(Finding f) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("drift", f.status().name());
    f.fields().forEach(n.putArray("fields")::add);
    return n.toString();
  }

  /** Reads a finding written by {@link #write}; empty for anything else (a step that failed before it read). */
  public static Optional<DriftReport.ResourceDrift> read(String name, String type, String origin, String json) {
    if (json == null) {
      return Optional.empty();
    }
    try {
      JsonNode n = MAPPER.readTree(json);
      if (!n.has("drift")) {
        return Optional.empty();
      }
      List<String> fields = new ArrayList<>();
      if (n.has("fields")) {
        n.get("fields").forEach(f -> fields.add(f.asText()));
      }
      return Optional.of(new DriftReport.ResourceDrift(name, type, origin, DriftStatus.valueOf(n.get("drift").asText()),
          fields));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
