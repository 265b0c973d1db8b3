package dev.tenantwright.core.engine;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.FleetItem;
import dev.tenantwright.core.FleetOperation;
import dev.tenantwright.core.FleetRequest;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.Tenantwright;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An engine in its own JVM for {@link FleetCrashTest}: starts a roll-out of blueprint {@code slow} version 2, prints
 * {@code OP <id>} and then {@code READY} once the canary's runs are in flight (their replacements sleep), and waits to
 * be killed.
 */
public final class FleetProcess {

  private FleetProcess() {}

  /** Version 1 makes objects at once; version 2 replaces them with objects whose creation takes {@code millis}. */
  static Blueprint slow(int version, int millis) {
    return Blueprint.builder("slow").version(version)
        .resource("obj", "sql.object", r -> r.param("slowMillis", version == 1 ? 0 : millis)).build();
  }

  static Tenantwright engine(javax.sql.DataSource ds, String owner, Duration lease, int slowMillis) {
    return Stores.on(ds).owner(owner).leaseDuration(lease).blueprint(slow(1, 0)).blueprint(slow(2, slowMillis))
        .resourceType(new SqlObjectType(ds)).fleetInterval(Duration.ofMillis(100))
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
  }

  /** Args: jdbc-url owner slow-millis. */
  public static void main(String[] args) throws Exception {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(args[0]);
    ds.setUser("postgres");
    Tenantwright tw = engine(ds, args[1], Duration.ofSeconds(2), Integer.parseInt(args[2]));
    FleetOperation op = tw.fleet().start(FleetRequest.update().blueprintVersion("slow", 2).canary(2).growth(2)
        .maxInFlight(2));
    System.out.println("OP " + op.id());
    System.out.flush();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (tw.fleet().items(op.id(), PageRequest.first(10)).items().stream().filter(i -> i.runId() != null)
        .map(FleetItem::runId).count() < 2 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    System.out.println("READY");
    System.out.flush();
    new CountDownLatch(1).await(5, TimeUnit.MINUTES);   // until killed
  }
}
