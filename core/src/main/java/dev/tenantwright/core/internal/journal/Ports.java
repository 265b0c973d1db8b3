package dev.tenantwright.core.internal.journal;

import dev.tenantwright.core.internal.journal.JournalException.Reason;
import dev.tenantwright.core.internal.types.PortAllocator;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.TenantwrightException;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Host ports for the core {@code port} type, unique across every engine on the database ({@code tw_port}'s
 * primary key). Thread-safe.
 */
public final class Ports implements PortAllocator {

  private final Sql sql;

  public Ports(Database database) {
    this.sql = database.sql();
  }

  @Override
  public int allocate(String environmentId, String resourceName, int from, int to) {
    if (from < 1 || to > 65535 || from > to) {
      throw new PermanentException("port range " + from + "-" + to + " is not within 1-65535");
    }
    for (int round = 0; round < 20; round++) {
      OptionalInt existing = find(environmentId, resourceName);
      if (existing.isPresent()) {
        return existing.getAsInt();
      }
      Set<Integer> used = new HashSet<>(sql.read(c -> Sql.list(c, "SELECT port FROM tw_port WHERE port BETWEEN ? AND ?",
          rs -> rs.getInt(1), from, to)));
      int size = to - from + 1;
      if (used.size() >= size) {
        throw new PermanentException("no free host port left in range " + from + "-" + to);
      }
      int start = ThreadLocalRandom.current().nextInt(size);
      int candidate = -1;
      for (int i = 0; i < size; i++) {
        int p = from + (start + i) % size;
        if (!used.contains(p)) {
          candidate = p;
          break;
        }
      }
      int port = candidate;
      try {
        // a lost COMMIT is safe to repeat: the second insert finds the row and the loop reads it back
        sql.transaction(c -> Sql.update(c, "INSERT INTO tw_port (port, environment_id, resource) VALUES (?, ?, ?)",
            port, environmentId, resourceName));
        return port;
      } catch (JournalException e) {
        if (e.reason() != Reason.PORT_TAKEN && e.reason() != Reason.UNKNOWN_OUTCOME) {
          throw e;
        }
        // another engine took the port, this resource got one concurrently, or our insert may have landed:
        // look again
      }
    }
    throw new TenantwrightException("could not allocate a host port after 20 attempts (heavy contention)");
  }

  @Override
  public void release(String environmentId, String resourceName) {
    sql.idempotentTransaction(c -> Sql.update(c, "DELETE FROM tw_port WHERE environment_id = ? AND resource = ?",
        environmentId, resourceName));
  }

  @Override
  public OptionalInt find(String environmentId, String resourceName) {
    Optional<Integer> p = sql.read(c -> Sql.one(c, "SELECT port FROM tw_port WHERE environment_id = ? AND resource = ?",
        rs -> rs.getInt(1), environmentId, resourceName));
    return p.map(OptionalInt::of).orElse(OptionalInt.empty());
  }
}
