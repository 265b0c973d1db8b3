package dev.tenantwright.core.engine;

import dev.tenantwright.core.Tenantwright;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;

/** The engine suite on the embedded H2 file store. */
class H2EngineTest extends EngineContract {

  @TempDir
  Path dir;

  @Override
  protected Tenantwright.Builder store() {
    return Stores.h2(dir);
  }

  @Override
  protected DataSource dataSource() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.toAbsolutePath().resolve("tenantwright"));
    ds.setUser("tw");
    return ds;
  }
}
