package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.PruneResult;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/** Retention on a real PostgreSQL, and two engines pruning one journal at once. */
class PostgresRetentionTest extends RetentionContract {
  PostgresRetentionTest() {
    super(new Postgres());
  }

  @Test
  void twoEnginesPruningOneJournalAtOnceBothFinishAndRemoveEachRunOnce() throws Exception {
    Tenantwright first = retaining();
    Tenantwright second = retaining();
    int prunable = 0;
    for (int i = 0; i < 4; i++) {
      String id = first.tenants().create(NewTenant.company("Shop " + i).email("ops@shop" + i + ".example")).id();
      succeeded(first.environments().provision(id, EnvironmentKind.DEMO));
      for (int u = 1; u <= 8; u++) {
        succeeded((u % 2 == 0 ? first : second).environments().update(id, "demo", greeting("v" + u)));
      }
      prunable += 7; // all updates but the newest
    }
    clock.advance(DAY.multipliedBy(2));
    CyclicBarrier start = new CyclicBarrier(2);
    CompletableFuture<PruneResult> a = CompletableFuture.supplyAsync(() -> pruneAfter(start, first));
    CompletableFuture<PruneResult> b = CompletableFuture.supplyAsync(() -> pruneAfter(start, second));

    PruneResult one = a.get();
    PruneResult two = b.get();

    assertThat(one.runs() + two.runs()).isEqualTo(prunable);
    assertThat(count("SELECT count(*) FROM tw_run")).isEqualTo(4 * 2);
    assertThat(first.prune().runs()).isZero();
  }

  private static PruneResult pruneAfter(CyclicBarrier start, Tenantwright tw) {
    try {
      start.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return tw.prune();
  }
}
