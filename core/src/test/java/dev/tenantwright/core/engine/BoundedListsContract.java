package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentStatus;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.Page;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.spi.EnvironmentKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Bounded reads on each store ({@link H2BoundedListsTest}, {@link PostgresBoundedListsTest}): a status reads the same
 * rows however many runs an environment has, and pages of runs, history, tenants and environments cover every item
 * once, in order, while items are added between pages.
 */
abstract class BoundedListsContract extends EngineContractSupport {

  BoundedListsContract(Fixture fixture) {
    super(fixture);
  }

  static Blueprint single() {
    return Blueprint.builder("single").var("greeting", "hello")
        .resource("a", "mem.object", r -> r.param("value", "${vars.greeting}"))
        .build();
  }

  @Test
  void statusReadsAsManyRowsWhenTheEnvironmentHasFifteenRunsAsWhenItHasThree() {
    RowCountingDataSource counting = new RowCountingDataSource(dataSource());
    Tenantwright tw = open(Stores.on(counting).blueprint(single()));
    String id = abc(tw).id();
    updates(tw, id, 3);
    EnvironmentStatus[] status = new EnvironmentStatus[1];
    long withThree = counting.rowsRead(() -> status[0] = tw.environments().status(id, "demo"));
    assertThat(status[0].runId()).isEqualTo(newest(tw, id));

    updates(tw, id, 12);
    long withFifteen = counting.rowsRead(() -> status[0] = tw.environments().status(id, "demo"));

    assertThat(withFifteen).as("rows read by status()").isEqualTo(withThree);
    assertThat(status[0].runId()).isEqualTo(newest(tw, id));
    assertThat(status[0].runState()).isEqualTo(RunState.SUCCEEDED);
    assertThat(status[0].failedAttempts()).isZero();
  }

  @Test
  void pagesOfAnEnvironmentsRunsCoverEachRunOnceNewestFirstWhileRunsAreAdded() {
    Tenantwright tw = open(single());
    String id = abc(tw).id();
    updates(tw, id, 7);
    List<String> before = ids(tw.runs().list(id, "demo"), Run::id);
    Collections.reverse(before);

    List<String> seen = readAll(page -> tw.runs().list(id, "demo", page), 3, Run::id, () -> updates(tw, id, 2));

    assertThat(seen).isEqualTo(before);
  }

  @Test
  void pagesOfATenantsHistoryCoverEachEventOnceNewestFirstWhileEventsAreAdded() {
    Tenantwright tw = open(single());
    Tenant t = abc(tw);
    updates(tw, t.id(), 2);
    List<Event> before = new ArrayList<>(tw.tenants().history(t.id()));
    Collections.reverse(before);

    List<Event> seen = readAll(page -> tw.tenants().history(t.id(), page), 4, e -> e, () -> {
      tw.tenants().suspend(t.id(), "ops");
      tw.tenants().resume(t.id(), "ops");
    });

    assertThat(seen).isEqualTo(before);
    assertThat(tw.tenants().history(t.id(), PageRequest.first(2)).items())
        .as("the first page now starts at the newest events").extracting(Event::actor).containsOnly("ops");
  }

  @Test
  void pagesOfTenantsCoverEachTenantOnceByIdWhileTenantsAreAdded() {
    Tenantwright tw = open(single());
    for (int i = 1; i <= 5; i++) {
      tw.tenants().create(NewTenant.company("Mid " + i).email("ops@mid" + i + ".example"));
    }
    List<String> before = tw.tenants().list().stream().map(Tenant::id).sorted().toList();

    List<String> seen = readAll(tw.tenants()::list, 2, Tenant::id, () -> {
      tw.tenants().create(NewTenant.company("Aaa").email("ops@aaa.example"));
      tw.tenants().create(NewTenant.company("Zed").email("ops@zed.example"));
    });

    assertThat(seen).isSorted().doesNotHaveDuplicates().containsAll(before).contains("zed").doesNotContain("aaa");
  }

  @Test
  void pagesOfATenantsEnvironmentsGoByName() {
    Tenantwright tw = open(single());
    String id = abc(tw).id();
    tw.environments().provision(id, EnvironmentKind.LIVE).await(WAIT);
    tw.environments().createTest(id, "beta", RunOptions.defaults()).await(WAIT);
    tw.environments().provision(id, EnvironmentKind.DEMO).await(WAIT);
    tw.environments().createTest(id, "alpha", RunOptions.defaults()).await(WAIT);

    Page<Environment> first = tw.environments().list(id, PageRequest.first(3));
    Page<Environment> second = tw.environments().list(id, first.next(3).orElseThrow());

    assertThat(ids(first.items(), Environment::name)).containsExactly("demo", "live", "test-alpha");
    assertThat(ids(second.items(), Environment::name)).containsExactly("test-beta");
    assertThat(second.nextCursor()).isNull();
    assertThat(second.items().get(0).resources()).hasSize(1);
  }

  @Test
  void aForeignOrMalformedCursorAndALimitOutOfRangeAreRefusedNamingTheField() {
    Tenantwright tw = open(single());
    String id = abc(tw).id();
    updates(tw, id, 3);
    String historyCursor = tw.tenants().history(id, PageRequest.first(1)).nextCursor();
    assertThat(historyCursor).isNotNull();

    assertField(() -> tw.runs().list(id, "demo", PageRequest.after(historyCursor, 10)), "cursor");
    assertField(() -> tw.runs().list(id, "demo", PageRequest.after("bm90IGEgY3Vyc29y", 10)), "cursor");
    assertField(() -> tw.tenants().history(id, PageRequest.after("%%%", 10)), "cursor");
    assertField(() -> tw.tenants().list(PageRequest.after(historyCursor, 10)), "cursor");
    assertField(() -> PageRequest.first(0), "limit");
    assertField(() -> PageRequest.first(1001), "limit");
    assertThat(tw.runs().list(id, "demo", PageRequest.first(1000)).items()).hasSize(3);
    assertThatThrownBy(() -> tw.tenants().history("nobody", PageRequest.first())).isInstanceOf(NotFoundException.class);
  }

  /** Provisions the tenant's demo, or updates it, {@code n} times. */
  private static void updates(Tenantwright tw, String tenantId, int n) {
    for (int i = 0; i < n; i++) {
      boolean exists = tw.environments().find(tenantId, "demo").isPresent();
      Run run = exists ? tw.environments().update(tenantId, "demo", RunOptions.defaults().parameter("greeting",
          "v" + System.nanoTime())) : tw.environments().provision(tenantId, EnvironmentKind.DEMO);
      assertThat(run.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    }
  }

  private static String newest(Tenantwright tw, String tenantId) {
    List<Run> all = tw.runs().list(tenantId, "demo");
    return all.get(all.size() - 1).id();
  }

  /** Reads every page of {@code limit} items, running {@code between} once after the first page. */
  private static <T, K> List<K> readAll(Function<PageRequest, Page<T>> list, int limit, Function<T, K> key,
      Runnable between) {
    List<K> seen = new ArrayList<>();
    Page<T> page = list.apply(PageRequest.first(limit));
    seen.addAll(ids(page.items(), key));
    between.run();
    while (page.next(limit).isPresent()) {
      page = list.apply(page.next(limit).orElseThrow());
      assertThat(page.items()).hasSizeBetween(1, limit);
      seen.addAll(ids(page.items(), key));
    }
    return seen;
  }

  private static <T, K> List<K> ids(List<T> items, Function<T, K> key) {
    return new ArrayList<>(items.stream().map(key).toList());
  }

  private static void assertField(Runnable call, String field) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(ValidationException.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }
}
