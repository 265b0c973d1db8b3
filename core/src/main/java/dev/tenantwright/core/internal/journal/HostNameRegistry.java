package dev.tenantwright.core.internal.journal;

import dev.tenantwright.core.internal.journal.JournalException.Reason;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The journal's record of which tenant's environment answers for which DNS name ({@code tw_hostname}), which of its
 * resources use the name ({@code tw_hostname_use}), and which custom domains each tenant proved it owns
 * ({@code tw_domain}). A name belongs to at most one environment of one tenant — the primary key makes that hold
 * across every engine — and is free again when the last resource using it is gone. Thread-safe.
 */
public final class HostNameRegistry {

  private final Sql sql;

  public HostNameRegistry(Database database) {
    this.sql = database.sql();
  }

  /** Who holds a name. */
  public record Owner(String tenantId, String environmentId) {}

  /**
   * Registers {@code names} to the resource, in one transaction: a name nobody holds becomes the environment's
   * (unless a name above or below it in the DNS tree belongs to another tenant); a name the environment already
   * holds gets one more user.
   *
   * @throws JournalException {@link Reason#HOSTNAME_TAKEN} naming the first name another tenant or environment
   *     holds (the message says which, never who)
   */
  public void claim(String tenantId, String environmentId, String resource, Set<String> names, long now) {
    sql.transaction(c -> {
      for (String name : names) {
        Optional<Owner> owner = owner(c, name);
        if (owner.isEmpty()) {
          String clash = neighbourOfAnotherTenant(c, name, tenantId);
          if (clash != null) {
            throw new JournalException(Reason.HOSTNAME_TAKEN, "host name '" + name + "' is inside '" + clash
                + "', which belongs to another tenant", null);
          }
          Sql.update(c, "INSERT INTO tw_hostname (name, tenant_id, environment_id, created_at) VALUES (?, ?, ?, ?)",
              name, tenantId, environmentId, now);
        } else if (!owner.get().tenantId().equals(tenantId)) {
          throw new JournalException(Reason.HOSTNAME_TAKEN, "host name '" + name + "' belongs to another tenant",
              null);
        } else if (!owner.get().environmentId().equals(environmentId)) {
          String other = owner.get().environmentId();
          throw new JournalException(Reason.HOSTNAME_TAKEN, "host name '" + name + "' is used by environment '"
              + other.substring(other.indexOf('/') + 1) + "' of this tenant", null);
        }
        if (Sql.one(c, "SELECT 1 FROM tw_hostname_use WHERE name = ? AND environment_id = ? AND resource = ?",
            rs -> 1, name, environmentId, resource).isEmpty()) {
          Sql.update(c, "INSERT INTO tw_hostname_use (name, environment_id, resource) VALUES (?, ?, ?)", name,
              environmentId, resource);
        }
      }
      return null;
    });
  }

  /** The holder of a name, if any. */
  public Optional<Owner> owner(String name) {
    return sql.read(c -> owner(c, name));
  }

  /** The names an environment holds. */
  public List<String> names(String environmentId) {
    return sql.read(c -> Sql.list(c, "SELECT name FROM tw_hostname WHERE environment_id = ? ORDER BY name",
        rs -> rs.getString(1), environmentId));
  }

  /** Records that the tenant proved it owns {@code domain}. */
  public void verified(String tenantId, String domain, long now) {
    sql.idempotentTransaction(c -> {
      if (Sql.one(c, "SELECT 1 FROM tw_domain WHERE tenant_id = ? AND domain = ?", rs -> 1, tenantId, domain).isEmpty()) {
        Sql.update(c, "INSERT INTO tw_domain (tenant_id, domain, verified_at) VALUES (?, ?, ?)", tenantId, domain, now);
      }
      return null;
    });
  }

  /** The custom domains the tenant proved it owns. */
  public List<String> verifiedDomains(String tenantId) {
    return sql.read(c -> Sql.list(c, "SELECT domain FROM tw_domain WHERE tenant_id = ? ORDER BY domain",
        rs -> rs.getString(1), tenantId));
  }

  private static Optional<Owner> owner(Connection c, String name) throws SQLException {
    return Sql.one(c, "SELECT tenant_id, environment_id FROM tw_hostname WHERE name = ?",
        rs -> new Owner(rs.getString(1), rs.getString(2)), name);
  }

  /** A name above {@code name} or below it in the DNS tree that another tenant holds, or null. */
  private static String neighbourOfAnotherTenant(Connection c, String name, String tenantId) throws SQLException {
    String parent = name;
    for (int dot = parent.indexOf('.'); dot > 0; dot = parent.indexOf('.')) {
      parent = parent.substring(dot + 1);
      Optional<Owner> above = owner(c, parent);
      if (above.isPresent() && !above.get().tenantId().equals(tenantId)) {
        return parent;
      }
    }
    return Sql.one(c, "SELECT name FROM tw_hostname WHERE name LIKE ? AND tenant_id <> ? ORDER BY name",
        rs -> rs.getString(1), "%." + name.replace("%", "").replace("_", "\\_"), tenantId).map(below -> below)
        .orElse(null);
  }

  // ------------------------------------------------------------------------------------------ within a run's commits

  /** Releases the names a resource no longer uses (all of them when {@code keep} is empty). */
  static void release(Connection c, String environmentId, String resource, Set<String> keep) throws SQLException {
    for (String name : Sql.list(c, "SELECT name FROM tw_hostname_use WHERE environment_id = ? AND resource = ?",
        rs -> rs.getString(1), environmentId, resource)) {
      if (!keep.contains(name)) {
        Sql.update(c, "DELETE FROM tw_hostname_use WHERE name = ? AND environment_id = ? AND resource = ?", name,
            environmentId, resource);
      }
    }
    dropUnused(c, environmentId);
  }

  /** Releases the names held for resources the environment no longer has (a run that rolled back or ended). */
  static void releaseOrphans(Connection c, String environmentId) throws SQLException {
    Sql.update(c, "DELETE FROM tw_hostname_use WHERE environment_id = ? AND resource NOT IN"
        + " (SELECT name FROM tw_resource WHERE environment_id = ?)", environmentId, environmentId);
    dropUnused(c, environmentId);
  }

  private static void dropUnused(Connection c, String environmentId) throws SQLException {
    Sql.update(c, "DELETE FROM tw_hostname WHERE environment_id = ? AND name NOT IN"
        + " (SELECT name FROM tw_hostname_use WHERE environment_id = ?)", environmentId, environmentId);
  }
}
