package dev.tenantwright.testkit.journal;

import java.nio.file.Path;

/** Journal faults and crashes on an H2 file store. */
class H2JournalFaultTest extends JournalFaultContract {
  @Override
  Store store(Path dir) {
    return Store.h2(dir);
  }
}
