package dev.tenantwright.core.fuzz;

import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.engine.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** The input fuzz suite on the embedded H2 file store: most of the cases. */
class H2InputFuzzTest extends InputFuzzContract {

  private Path dir;

  @Override
  String store() {
    return "H2";
  }

  @Override
  double[] shares() {
    return new double[] {0.25, 0.08};
  }

  @Override
  void startStore() throws IOException {
    dir = Files.createTempDirectory("tw-fuzz");
  }

  @Override
  Tenantwright.Builder builder() {
    return Stores.h2(dir);
  }

  @Override
  DataSource dataSource() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:async:" + dir.toAbsolutePath().resolve("tenantwright"));
    ds.setUser("tw");
    return ds;
  }

  @Override
  void stopStore() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
