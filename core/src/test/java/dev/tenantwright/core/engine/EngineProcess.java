package dev.tenantwright.core.engine;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An engine in its own JVM for {@link SeparateProcessTest}: provisions tenants whose step is slow, prints
 * {@code RUN <id>} per run and {@code READY} once all are in flight, then waits to be killed.
 */
public final class EngineProcess {

  private EngineProcess() {}

  static Blueprint slow(int millis) {
    return Blueprint.builder("slow").resource("obj", "sql.object", r -> r.param("slowMillis", millis)).build();
  }

  static Tenantwright engine(javax.sql.DataSource ds, String owner, Duration lease, int slowMillis) {
    return Stores.on(ds).owner(owner).leaseDuration(lease).blueprint(slow(slowMillis))
        .resourceType(new SqlObjectType(ds)).maxParallelSteps(64).backoff(Duration.ofMillis(10), Duration.ofMillis(50))
        .build();
  }

  /** Args: jdbc-url owner tenant-count first-tenant slow-millis. */
  public static void main(String[] args) throws Exception {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(args[0]);
    ds.setUser("postgres");
    Tenantwright tw = engine(ds, args[1], Duration.ofSeconds(2), Integer.parseInt(args[4]));
    int count = Integer.parseInt(args[2]);
    int first = Integer.parseInt(args[3]);
    for (int i = first; i < first + count; i++) {
      Tenant t = tw.tenants().create(NewTenant.company("Process Tenant " + i).email("p" + i + "@example.test"));
      Run r = tw.environments().provision(t.id(), EnvironmentKind.DEMO);
      System.out.println("RUN " + r.id());
    }
    System.out.println("READY");
    System.out.flush();
    new java.util.concurrent.CountDownLatch(1).await(5, java.util.concurrent.TimeUnit.MINUTES);   // until killed
  }
}
