package dev.tenantwright.core.engine;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A backend kept in a database table, so that engines in different processes share it: each object is a
 * row with its ownership marker and a count of how often it was created.
 */
final class SqlObjectType implements ResourceType<SqlObjectType.Spec, SqlObjectType.Out> {

  /** How long create waits after making its row (to be killed in the middle). */
  public record Spec(@Nullable Integer slowMillis) {}

  /** The object's name. */
  public record Out(String name) {}

  private final DataSource ds;

  SqlObjectType(DataSource ds) {
    this.ds = ds;
  }

  static void createTable(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS test_objects (name VARCHAR(100) PRIMARY KEY, marker VARCHAR(200),"
          + " creates INT NOT NULL)");
    }
  }

  @Override
  public String type() {
    return "sql.object";
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
    Optional<String> marker = marker(name);
    if (marker.isPresent()) {
      if (ctx.isOurs(marker.get())) {
        return CreateResult.created(new Out(name));
      }
      if (ctx.belongsHere(marker.get())) {
        return CreateResult.adopted(new Out(name));
      }
      throw new PermanentException("object " + name + " is not ours");
    }
    update("INSERT INTO test_objects (name, marker, creates) VALUES (?, ?, 1)", name, ctx.ownershipMarker());
    if (spec.slowMillis() != null) {
      ctx.pause(Duration.ofMillis(spec.slowMillis()));
    }
    return CreateResult.created(new Out(name));
  }

  @Override
  public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) {
    return marker(ctx.resourceName()).map(m -> new Out(ctx.resourceName()));
  }

  @Override
  public void delete(Spec spec, Out outputs, StepContext ctx) {
    update("DELETE FROM test_objects WHERE name = ?", ctx.resourceName());
  }

  private Optional<String> marker(String name) {
    try (Connection c = ds.getConnection();
        PreparedStatement p = c.prepareStatement("SELECT marker FROM test_objects WHERE name = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new PermanentException("test backend: " + e.getMessage(), e);
    }
  }

  private void update(String sql, String... args) {
    try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setString(i + 1, args[i]);
      }
      p.executeUpdate();
    } catch (SQLException e) {
      throw new PermanentException("test backend: " + e.getMessage(), e);
    }
  }
}
