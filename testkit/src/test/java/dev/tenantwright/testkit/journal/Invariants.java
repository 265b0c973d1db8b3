package dev.tenantwright.testkit.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * What must hold after any fault, checked against the journal's tables and the backend itself: every run is
 * terminal (and the ones the API reported terminal kept their outcome); the backend's objects are exactly the
 * journal's resources (no leak, no orphan); no object was created twice; each environment's state agrees with its
 * last run.
 */
final class Invariants {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Invariants() {}

  /** A run row. */
  record RunRow(String id, String environment, String kind, String state, long created) {}

  static List<RunRow> runs(DataSource ds) throws SQLException {
    List<RunRow> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, environment_id, kind, state, created_at FROM tw_run ORDER BY created_at, id")) {
      while (rs.next()) {
        out.add(new RunRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
      }
    }
    return out;
  }

  /** Checks every invariant; {@code reported} maps run ids to the terminal state the API reported for them. */
  static void check(DataSource ds, DiskObjects disk, Map<String, String> reported) throws Exception {
    List<RunRow> runs = runs(ds);
    Map<String, RunRow> byId = new HashMap<>();
    runs.forEach(r -> byId.put(r.id(), r));
    assertThat(runs).as("every run is terminal").allSatisfy(r ->
        assertThat(r.state()).as("run " + r.id()).isIn("SUCCEEDED", "ROLLED_BACK", "FAILED"));
    reported.forEach((id, state) -> {
      assertThat(byId).as("a run the API reported is still in the journal").containsKey(id);
      assertThat(byId.get(id).state()).as("run " + id + " keeps the outcome the API reported").isEqualTo(state);
    });
    Set<String> recorded = new HashSet<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT outputs FROM tw_resource")) {
      while (rs.next()) {
        recorded.add(JSON.readTree(rs.getString(1)).path("name").asText());
      }
    }
    assertThat(disk.names()).as("backend objects equal the journal's resources (no leak, no orphan)")
        .containsExactlyInAnyOrderElementsOf(recorded);
    assertThat(disk.createdTwice()).as("no object created twice").isEmpty();
    Map<String, List<RunRow>> byEnv = new LinkedHashMap<>();
    runs.forEach(r -> byEnv.computeIfAbsent(r.environment(), k -> new ArrayList<>()).add(r));
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, state FROM tw_environment")) {
      while (rs.next()) {
        List<RunRow> history = byEnv.getOrDefault(rs.getString(1), List.of());
        if (history.isEmpty()) {
          continue;
        }
        assertThat(rs.getString(2)).as("state of " + rs.getString(1) + " after " + history)
            .isEqualTo(expected(history));
      }
    }
  }

  /** The environment state its runs lead to. */
  static String expected(List<RunRow> history) {
    RunRow last = history.get(history.size() - 1);
    boolean wasReady = false;
    for (int i = 0; i < history.size() - 1; i++) {
      RunRow r = history.get(i);
      if (r.state().equals("SUCCEEDED")) {
        wasReady = !r.kind().equals("DESTROY");
      } else if (!r.state().equals("ROLLED_BACK")) {
        wasReady = false;
      }
    }
    return switch (last.state()) {
      case "SUCCEEDED" -> last.kind().equals("DESTROY") ? "DESTROYED" : "READY";
      case "ROLLED_BACK" -> wasReady && !last.kind().equals("DESTROY") ? "READY" : "FAILED";
      default -> "FAILED";
    };
  }
}
