package dev.tenantwright.testkit.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The host process {@link KillNineChaosTest} kills: provisions tenants (a third of them roll back), destroys some
 * of the provisioned ones, and prints {@code REPORTED <run> <state>} for every outcome the API reported. Every call
 * carries an idempotency key, so a restarted host asks for the same runs again and gets them back.
 *
 * <p>Args: {@code h2:<dir>} or {@code pg:<jdbc-url>}, the backend directory, the number of tenants, threads.
 */
public final class ChaosHost {

  static final Blueprint BLUEPRINT = Blueprint.builder("chaos")
      .var("fail", false)
      .resource("a", "disk.object", r -> r.param("value", "a"))
      .resource("b", "disk.object", r -> r.param("value", "after ${a.name}"))
      .resource("c", "disk.object", r -> r.param("value", "c").param("fail", "${vars.fail}").needs("b"))
      .resource("d", "disk.object", r -> r.param("value", "d"))
      .build();

  private ChaosHost() {}

  public static void main(String[] args) throws Exception {
    String store = args[0];
    DiskObjects disk = new DiskObjects(Path.of(args[1]));
    int tenants = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    Tenantwright.Builder b = Tenantwright.builder().classpathPlugins(false).resourceType(disk.type())
        .blueprint(BLUEPRINT).maxParallelSteps(16).backoff(Duration.ofMillis(10), Duration.ofMillis(100))
        .leaseDuration(Duration.ofSeconds(2));
    if (store.startsWith("h2:")) {
      b.embedded(Path.of(store.substring(3)));
    } else {
      HikariConfig c = new HikariConfig();
      c.setJdbcUrl(store.substring(3));
      c.setUsername("postgres");
      c.setMaximumPoolSize(12);
      b.dataSource(new HikariDataSource(c)).secretKey(Store.KEY);
    }
    try (Tenantwright tw = b.build()) {
      System.out.println("READY");
      System.out.flush();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> work = new ArrayList<>();
      for (int i = 0; i < tenants; i++) {
        int n = i;
        work.add(pool.submit(() -> {
          tenant(tw, n);
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      pool.shutdown();
      System.out.println("DONE");
      System.out.flush();
    }
  }

  private static void tenant(Tenantwright tw, int i) {
    Tenant t = tw.tenants().create(NewTenant.company("Chaos " + i).email("c" + i + "@chaos.example"));
    boolean fail = i % 3 == 1;
    Run provisioned = tw.environments().provision(t.id(), EnvironmentKind.DEMO,
        RunOptions.defaults().idempotencyKey("p-" + i).parameter("fail", fail)).await(Duration.ofMinutes(5));
    report(provisioned);
    if (provisioned.state() == RunState.SUCCEEDED && i % 2 == 0) {
      Run destroyed = tw.environments().destroy(t.id(), "demo", RunOptions.defaults().idempotencyKey("d-" + i))
          .await(Duration.ofMinutes(5));
      report(destroyed);
    }
  }

  private static synchronized void report(Run r) {
    System.out.println("REPORTED " + r.id() + " " + r.state());
    System.out.flush();
  }
}
