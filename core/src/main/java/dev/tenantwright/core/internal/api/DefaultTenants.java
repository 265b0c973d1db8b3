package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.Page;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.TenantState;
import dev.tenantwright.core.Tenants;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.internal.engine.EventBus;
import dev.tenantwright.core.internal.engine.Naming;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.JournalException;
import dev.tenantwright.core.internal.journal.Pages;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import dev.tenantwright.core.internal.journal.Records.TenantRecord;
import dev.tenantwright.core.internal.text.Text;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.PlanChange;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.TenantwrightException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Tenant creation with slug derivation, validation and the unique-e-mail rule. */
final class DefaultTenants implements Tenants {

  private static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+");
  private static final Pattern PLAN = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final Journal journal;
  private final Clock clock;
  private final EventBus bus;
  private final DefaultEnvironments environments;
  private final PolicyGate gate;
  private final Pages pages;

  DefaultTenants(Journal journal, Clock clock, EventBus bus, DefaultEnvironments environments, PolicyGate gate,
      Pages pages) {
    this.gate = gate;
    this.pages = pages;
    this.journal = journal;
    this.clock = clock;
    this.bus = bus;
    this.environments = environments;
  }

  @Override
  public Tenant create(NewTenant req) {
    String company = req.companyName() == null ? "" : req.companyName().strip();
    if (company.isEmpty()) {
      throw new ValidationException("company", "must not be blank");
    }
    if (company.length() > 200 || !Text.printable(company)) {
      throw new ValidationException("company", "must be at most 200 characters without control characters");
    }
    String email = req.emailAddress() == null ? "" : req.emailAddress().strip().toLowerCase(Locale.ROOT);
    if (email.isEmpty()) {
      throw new ValidationException("email", "is required");
    }
    if (email.length() > 254 || !Text.printable(email) || !EMAIL.matcher(email).matches()) {
      throw new ValidationException("email", "'" + Text.quote(email) + "' is not a valid e-mail address");
    }
    String plan = req.planName();
    if (plan == null || !PLAN.matcher(plan).matches()) {
      throw new ValidationException("plan", "must be 1-63 of [a-z0-9-], starting with a letter or digit");
    }
    for (Map.Entry<String, String> a : req.attributes().entrySet()) {
      if (!ATTRIBUTE_KEY.matcher(a.getKey()).matches()) {
        throw new ValidationException("attributes", "key '" + Text.quote(a.getKey()) + "' must be 1-64 of [A-Za-z0-9_.-]");
      }
      if (a.getValue().length() > 500 || !Text.printable(a.getValue())) {
        throw new ValidationException("attributes." + a.getKey(), "must be at most 500 printable characters");
      }
    }
    String requested = req.requestedSlug();
    if (requested != null && !Naming.isSlug(requested)) {
      throw new ValidationException("slug", "'" + Text.quote(requested) + "' must be a DNS label of "
          + Naming.MIN_SLUG + " to " + Naming.MAX_SLUG + " lowercase letters, digits and single hyphens, starting with"
          + " a letter");
    }
    String base = requested != null ? requested : Naming.slug(company);
    if (base.isEmpty()) {
      throw new ValidationException("company", "'" + Text.quote(company) + "' has no letters or digits to make an id from");
    }
    Optional<TenantRecord> owner = journal.tenantByEmail(email);
    if (owner.isPresent()) {
      return repeated(owner.get(), requested, base, email);
    }
    String id = base;
    for (int attempt = 0; attempt < 8; attempt++) {
      if (journal.tenant(id).isPresent()) {
        if (requested != null) {
          throw new ConflictException("the id '" + id + "' is already taken by another customer");
        }
        id = Naming.withSuffix(base);
        continue;
      }
      long now = clock.millis();
      TenantRecord rec = new TenantRecord(id, company, email, plan, req.attributes(), TenantState.ACTIVE, now, now);
      EventRecord ev = new EventRecord(0, null, id, null, null, EventType.TENANT_CREATED, 0, 0, 100,
          "tenant created for " + company, null, now);
      try {
        journal.insertTenant(rec, ev);
      } catch (JournalException e) {
        if (e.reason() == JournalException.Reason.TENANT_EMAIL_TAKEN) {
          return repeated(journal.tenantByEmail(email).orElseThrow(() -> e), requested, base, email);
        }
        if (e.reason() == JournalException.Reason.TENANT_ID_TAKEN) {
          continue;
        }
        throw e;
      }
      bus.publish(Events.of(ev));
      return tenant(rec);
    }
    throw new ConflictException("could not find a free id for '" + Text.quote(company) + "' after 8 attempts");
  }

  private Tenant repeated(TenantRecord existing, String requested, String base, String email) {
    boolean sameSignup = requested != null ? existing.id().equals(requested)
        : existing.id().equals(base) || existing.id().startsWith(base + "-") && existing.id().length() == base.length() + 5;
    if (sameSignup) {
      return tenant(existing);
    }
    // Generic on purpose: naming the other tenant would tell whoever typed the address which company owns it.
    throw new ConflictException("the e-mail is already registered to another tenant; sign in to that account or"
        + " use another e-mail");
  }

  @Override
  public Optional<Tenant> find(String id) {
    return journal.tenant(id).map(DefaultTenants::tenant);
  }

  @Override
  public Tenant get(String id) {
    return find(id).orElseThrow(() -> new NotFoundException("tenant '" + id + "' does not exist"));
  }

  @Override
  public List<Tenant> list() {
    return journal.tenants().stream().map(DefaultTenants::tenant).toList();
  }

  @Override
  public Page<Tenant> list(PageRequest page) {
    String[] after = Cursors.decode("tenants", page.cursor(), 1);
    return Cursors.page(pages.tenants(after == null ? null : after[0], page.limit() + 1), page,
        DefaultTenants::tenant, t -> Cursors.encode("tenants", t.id()));
  }

  @Override
  public Tenant suspend(String id, String actor) {
    TenantRecord t = record(id);
    if (t.state() != TenantState.ACTIVE) {
      throw new ConflictException("tenant '" + id + "' is " + t.state() + "; only an ACTIVE tenant can be suspended");
    }
    return move(t, TenantState.SUSPENDED, EventType.TENANT_SUSPENDED, "tenant suspended", actor);
  }

  @Override
  public Tenant resume(String id, String actor) {
    TenantRecord t = record(id);
    if (t.state() != TenantState.SUSPENDED) {
      throw new ConflictException("tenant '" + id + "' is " + t.state() + "; only a SUSPENDED tenant can be resumed");
    }
    return move(t, TenantState.ACTIVE, EventType.TENANT_RESUMED, "tenant resumed", actor);
  }

  @Override
  public PlanChange changePlan(String tenantId, String plan, RunOptions options) {
    if (plan == null || !PLAN.matcher(plan).matches()) {
      throw new ValidationException("plan", "must be 1-63 of [a-z0-9-], starting with a letter or digit");
    }
    TenantRecord t = record(tenantId);
    if (t.state() != TenantState.ACTIVE) {
      throw new ConflictException("tenant '" + tenantId + "' is " + t.state() + "; only an ACTIVE tenant changes plan");
    }
    String actor = options.approvalGiven() != null ? options.approvalGiven().by() : options.actorName();
    if (!plan.equals(t.plan())) {
      long now = clock.millis();
      EventRecord ev = new EventRecord(0, null, tenantId, null, null, EventType.TENANT_PLAN_CHANGED, 0, 0, 100,
          "plan changed from " + t.plan() + " to " + plan, actor, now);
      try {
        if (!journal.changePlan(tenantId, plan, now, gate.fits(tenantId, plan), ev)) {
          throw new ConflictException("tenant '" + tenantId + "' is no longer ACTIVE; its plan was not changed");
        }
      } catch (PolicyViolationException e) {
        EventRecord refused = new EventRecord(0, null, tenantId, null, null, EventType.POLICY_REFUSED, 0, 0, 0,
            "refused plan change to " + plan + ": " + e.getMessage(), actor, clock.millis());
        journal.commit(journal.batch().event(refused));
        bus.publish(Events.of(refused));
        throw e;
      }
      bus.publish(Events.of(ev));
    }
    List<Run> updates = new ArrayList<>();
    for (Environment e : environments.list(tenantId)) {
      if (e.state() == EnvironmentState.READY && environments.plan(tenantId, e.name(), RunKind.UPDATE, options).steps()
          .stream().anyMatch(s -> s.action() != StepAction.NOOP)) {
        updates.add(environments.update(tenantId, e.name(), options));
      }
    }
    return new PlanChange(get(tenantId), t.plan(), updates);
  }

  @Override
  public Tenant delete(String id, RunOptions options, Duration timeout) {
    TenantRecord t = record(id);
    if (t.state() == TenantState.DELETED) {
      return tenant(t);
    }
    List<Environment> envs = environments.list(id).stream()
        .filter(e -> e.state() != EnvironmentState.DESTROYED).toList();
    for (Environment e : envs) {
      Optional<RunRecord> active = journal.activeRun(id + "/" + e.name());
      if (active.isPresent()) {
        throw new ConflictException("tenant '" + id + "' cannot be deleted: environment '" + e.name()
            + "' has an active run " + active.get().id() + " (" + active.get().kind() + ")");
      }
    }
    boolean hasLive = envs.stream().anyMatch(e -> e.kind() == EnvironmentKind.LIVE);
    if (hasLive && options.approvalGiven() == null) {
      throw new PolicyViolationException("live-protection", "deleting tenant '" + id
          + "' destroys live, which needs an explicit approval (RunOptions.approval(who, why))");
    }
    String actor = options.approvalGiven() != null ? options.approvalGiven().by() : options.actorName();
    if (t.state() != TenantState.DELETING) {
      t = record(move(t, TenantState.DELETING, EventType.TENANT_DELETING, "deleting tenant and all its environments"
          + (options.approvalGiven() != null ? "; approved by " + actor + ": " + options.approvalGiven().reason() : ""),
          actor).id());
    }
    List<String> failures = new ArrayList<>();
    List<Run> others = new ArrayList<>();
    for (Environment e : envs) {
      if (e.kind() != EnvironmentKind.LIVE) {
        others.add(environments.destroy(id, e.name(), options));
      }
    }
    for (Run r : others) {
      Run done = r.await(timeout);
      if (done.state() != RunState.SUCCEEDED) {
        failures.add(done.environment() + ": " + done.error());
      }
    }
    if (failures.isEmpty()) {
      List<Run> lives = new ArrayList<>();
      for (Environment e : envs) {
        if (e.kind() == EnvironmentKind.LIVE) {
          lives.add(environments.destroy(id, e.name(), options));
        }
      }
      for (Run r : lives) {
        Run done = r.await(timeout);
        if (done.state() != RunState.SUCCEEDED) {
          failures.add(done.environment() + ": " + done.error());
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new TenantwrightException("tenant '" + id + "' stays DELETING: destroying failed for " + failures);
    }
    return move(t, TenantState.DELETED, EventType.TENANT_DELETED, "tenant deleted", actor);
  }

  private TenantRecord record(String id) {
    return journal.tenant(id).orElseThrow(() -> new NotFoundException("tenant '" + id + "' does not exist"));
  }

  private Tenant move(TenantRecord t, TenantState next, EventType type, String message, String actor) {
    long now = clock.millis();
    TenantRecord moved = t.withState(next, now);
    EventRecord ev = new EventRecord(0, null, t.id(), null, null, type, 0, 0, 0, message, actor, now);
    journal.commit(journal.batch().tenant(moved).event(ev));
    bus.publish(Events.of(ev));
    return tenant(moved);
  }

  @Override
  public List<Event> history(String tenantId) {
    get(tenantId);
    return journal.tenantEvents(tenantId).stream().map(Events::of).toList();
  }

  @Override
  public List<Event> history(String tenantId, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    get(tenantId);
    return journal.latestTenantEvents(tenantId, limit).stream().map(Events::of).toList();
  }

  @Override
  public Page<Event> history(String tenantId, PageRequest page) {
    String[] before = Cursors.decode("history", page.cursor(), 1);
    get(tenantId);
    return Cursors.page(pages.tenantEvents(tenantId, before == null ? null : Cursors.number(before[0]),
        page.limit() + 1), page, Events::of, e -> Cursors.encode("history", Long.toString(e.id())));
  }

  static Tenant tenant(TenantRecord r) {
    return new Tenant(r.id(), r.displayName(), r.email(), r.plan(), r.attributes(), r.state(),
        Instant.ofEpochMilli(r.createdAt()));
  }
}
