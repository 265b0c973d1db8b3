package dev.tenantwright.core.internal.fleet;

import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.Fleet;
import dev.tenantwright.core.FleetItem;
import dev.tenantwright.core.FleetItemState;
import dev.tenantwright.core.FleetOperation;
import dev.tenantwright.core.FleetRequest;
import dev.tenantwright.core.FleetSchedule;
import dev.tenantwright.core.FleetState;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.Page;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.WaveGate;
import dev.tenantwright.core.internal.blueprint.BlueprintCatalog;
import dev.tenantwright.core.internal.journal.FleetJournal;
import dev.tenantwright.core.internal.journal.FleetJournal.ItemRow;
import dev.tenantwright.core.internal.journal.FleetJournal.OpRow;
import dev.tenantwright.core.internal.journal.FleetJournal.ScheduleRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The {@link Fleet} API over the journal; the {@link FleetDriver} does the work. Thread-safe. */
public final class DefaultFleet implements Fleet {

  private final FleetJournal fleet;
  private final FleetDriver driver;
  private final BlueprintCatalog blueprints;
  private final Map<String, WaveGate> gates;
  private final Clock clock;

  public DefaultFleet(FleetJournal fleet, FleetDriver driver, BlueprintCatalog blueprints, Map<String, WaveGate> gates,
      Clock clock) {
    this.fleet = fleet;
    this.driver = driver;
    this.blueprints = blueprints;
    this.gates = gates;
    this.clock = clock;
  }

  /** An operation and its items, ready to record. */
  record Prepared(OpRow op, List<ItemRow> items) {}

  /** Takes the selection and assigns the waves. */
  static Prepared prepare(FleetJournal fleet, FleetSpec spec, String schedule, long now) {
    String id = UUID.randomUUID().toString();
    List<String[]> selected = fleet.select(spec.tenants(), spec.kinds(),
        spec.version() != null || spec.blueprint() != null ? spec.blueprint() : null);
    List<Integer> waves = spec.waves(selected.size());
    List<ItemRow> items = new ArrayList<>(selected.size());
    int seq = 0;
    for (int w = 0; w < waves.size(); w++) {
      for (int k = 0; k < waves.get(w); k++) {
        String[] env = selected.get(seq);
        items.add(new ItemRow(id, seq++, env[0], env[1], w, FleetItemState.PENDING, null, null, null, null, null, null));
      }
    }
    boolean empty = items.isEmpty();
    OpRow op = new OpRow(id, spec.kind(), empty ? FleetState.COMPLETED : FleetState.RUNNING, spec.write(), 0,
        waves.size(), -1, items.size(), schedule, empty ? "no environment was selected" : null, now, now,
        empty ? now : null);
    return new Prepared(op, items);
  }

  @Override
  public FleetOperation start(FleetRequest request) {
    check(request);
    Prepared p = prepare(fleet, FleetSpec.of(request), null, clock.millis());
    fleet.create(p.op(), p.items());
    driver.nudge();
    return get(p.op().id());
  }

  private void check(FleetRequest request) {
    if (request.gateName() != null && !gates.containsKey(request.gateName())) {
      throw new ValidationException("gate", "no wave gate named '" + request.gateName() + "' is registered "
          + gates.keySet());
    }
    if (request.blueprintName() != null && blueprints.versions(request.blueprintName()).isEmpty()) {
      throw new ValidationException("blueprint", "no blueprint named '" + request.blueprintName() + "' is registered");
    }
    if (request.version() != null && !blueprints.versions(request.blueprintName()).contains(request.version())) {
      throw new ValidationException("blueprintVersion", "blueprint '" + request.blueprintName() + "' has no version "
          + request.version() + " registered " + blueprints.versions(request.blueprintName()));
    }
  }

  @Override
  public Optional<FleetOperation> find(String operationId) {
    return fleet.op(operationId).map(op -> view(op, fleet.counts(op.id(), -1)));
  }

  @Override
  public FleetOperation get(String operationId) {
    return find(operationId).orElseThrow(() -> new NotFoundException("fleet operation '" + operationId
        + "' does not exist"));
  }

  @Override
  public Page<FleetOperation> list(PageRequest page) {
    Long at = null;
    String id = null;
    if (page.cursor() != null) {
      int colon = page.cursor().indexOf(':');
      try {
        at = Long.parseLong(page.cursor().substring(0, colon));
        id = page.cursor().substring(colon + 1);
      } catch (RuntimeException e) {
        throw new ValidationException("cursor", "must be a cursor taken from a previous page");
      }
    }
    List<OpRow> rows = fleet.ops(at, id, page.limit() + 1);
    boolean more = rows.size() > page.limit();
    List<OpRow> shown = more ? rows.subList(0, page.limit()) : rows;
    OpRow last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
    return new Page<>(shown.stream().map(op -> view(op, fleet.counts(op.id(), -1))).toList(),
        more ? last.createdAt() + ":" + last.id() : null);
  }

  @Override
  public Page<FleetItem> items(String operationId, PageRequest page) {
    get(operationId);
    int after;
    try {
      after = page.cursor() == null ? -1 : Integer.parseInt(page.cursor());
    } catch (NumberFormatException e) {
      throw new ValidationException("cursor", "must be a cursor taken from a previous page");
    }
    List<ItemRow> rows = fleet.items(operationId, after, page.limit() + 1);
    boolean more = rows.size() > page.limit();
    List<ItemRow> shown = more ? rows.subList(0, page.limit()) : rows;
    return new Page<>(shown.stream().map(DefaultFleet::item).toList(),
        more ? String.valueOf(shown.get(shown.size() - 1).seq()) : null);
  }

  @Override
  public FleetOperation pause(String operationId, String actor) {
    if (!fleet.move(operationId, FleetState.RUNNING, FleetState.PAUSED, "paused by " + actor, clock.millis())) {
      throw new ConflictException("fleet operation '" + operationId + "' is " + get(operationId).state()
          + "; only a RUNNING one can be paused");
    }
    return get(operationId);
  }

  @Override
  public FleetOperation resume(String operationId, String actor) {
    FleetOperation op = get(operationId);
    if ((op.state() != FleetState.PAUSED && op.state() != FleetState.HALTED)
        || !fleet.resume(operationId, op.state(), "resumed by " + actor
            + (op.state() == FleetState.HALTED ? " after: " + op.reason() : ""), clock.millis())) {
      throw new ConflictException("fleet operation '" + operationId + "' is " + get(operationId).state()
          + "; only a PAUSED or HALTED one can be resumed");
    }
    driver.nudge();
    return get(operationId);
  }

  @Override
  public FleetOperation abort(String operationId, String actor) {
    if (!fleet.abort(operationId, "aborted by " + actor, clock.millis())) {
      throw new ConflictException("fleet operation '" + operationId + "' is " + get(operationId).state()
          + "; it is over");
    }
    driver.nudge();
    return get(operationId);
  }

  @Override
  public FleetOperation await(String operationId, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      FleetOperation op = get(operationId);
      if (op.state() != FleetState.RUNNING) {
        return op;
      }
      if (System.nanoTime() - end > 0) {
        return op;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return get(operationId);
      }
    }
  }

  @Override
  public FleetSchedule schedule(String name, Duration interval, FleetRequest request) {
    if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new ValidationException("name", "a schedule name is 1-63 of [a-z0-9-]");
    }
    if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ValidationException("interval", "must be at least 1 second");
    }
    check(request);
    long now = clock.millis();
    fleet.schedule(new ScheduleRow(name, FleetSpec.of(request).write(), interval.toMillis(),
        now + interval.toMillis(), null), now);
    return schedules().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Override
  public boolean unschedule(String name) {
    return fleet.unschedule(name);
  }

  @Override
  public List<FleetSchedule> schedules() {
    return fleet.schedules().stream().map(s -> new FleetSchedule(s.name(), FleetSpec.read(s.specJson()).kind(),
        Duration.ofMillis(s.intervalMs()), Instant.ofEpochMilli(s.nextAt()), s.lastOpId())).toList();
  }

  static FleetOperation view(OpRow op, Map<FleetItemState, Integer> c) {
    int total = c.values().stream().mapToInt(Integer::intValue).sum();
    return new FleetOperation(op.id(), op.kind(), op.state(), op.wave(), op.waveCount(),
        new FleetOperation.Counts(total, c.get(FleetItemState.PENDING), c.get(FleetItemState.RUNNING),
            c.get(FleetItemState.SUCCEEDED), c.get(FleetItemState.SKIPPED), c.get(FleetItemState.FAILED),
            c.get(FleetItemState.ROLLED_BACK)),
        op.reason(), op.schedule(), Instant.ofEpochMilli(op.createdAt()),
        op.finishedAt() == null ? null : Instant.ofEpochMilli(op.finishedAt()));
  }

  static FleetItem item(ItemRow i) {
    return new FleetItem(i.tenantId(), i.environment(), i.wave(), i.state(), i.runId(), i.detail());
  }
}
