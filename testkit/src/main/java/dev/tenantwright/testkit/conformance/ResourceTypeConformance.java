package dev.tenantwright.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.DriftReport;
import dev.tenantwright.core.DriftStatus;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Plan;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.testing.TestSupport;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.TenantInfo;
import dev.tenantwright.spi.Updatable;
import dev.tenantwright.testkit.LogCapture;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plugin conformance kit: extend it with one resource type and its fake, and JUnit runs the checks every
 * Tenantwright resource type must pass.
 *
 * <p>Checks: create twice converges to one object; a create for another run adopts instead of creating;
 * read with unknown outputs finds the object; delete twice succeeds and read after delete is empty; update
 * converges (when the type is {@link Updatable}); a crash after each backend call resumes to the same end
 * state; rollback leaves nothing behind and never deletes an adopted object; a foreign object with the same
 * name is a conflict, not an adoption; a plan after apply is empty; a refresh right after provisioning finds
 * the object in sync (read reports the live object, and the outputs hold no volatile values); no generated secret
 * appears in logs, events or the journal; backend errors are classified retryable or permanent as declared. Two
 * drift checks need an optional hook each and are skipped (JUnit assumptions) without it: an object deleted out
 * of band ({@link #deleteOutOfBand}) is reported gone by a refresh and recreated by a repair, and a field edited
 * out of band ({@link #editOutOfBand}) is reported changed by name and set back by a repair. Each failure message
 * says what the type did wrong and what to fix.
 *
 * <p>The checks run the type through a real engine on an embedded H2 journal in a temporary directory, in a
 * blueprint of one resource named {@value #SUBJECT}; {@code ${secrets.conformance}} in {@link #params()}
 * receives a generated secret, which is also what {@code ctx.secret("conformance")} returns.
 *
 * <pre>{@code
 * class VercelProjectConformanceTest extends ResourceTypeConformance<ProjectSpec, ProjectOutputs> {
 *   final VercelFake fake = new VercelFake();
 *   protected ResourceType<ProjectSpec, ProjectOutputs> type() { return new VercelProjectType(); }
 *   protected Map<String, Object> params() { return Map.of("framework", "nextjs"); }
 *   protected Map<String, Map<String, Object>> pluginConfig() {
 *     return Map.of("vercel", Map.of("token", "t", "baseUrl", fake.baseUrl()));
 *   }
 *   protected Collection<String> liveObjects() { return fake.liveObjects(); }
 *   protected void onBackendCall(IntConsumer listener) { fake.afterEachCall(listener); }
 *   protected void plantOwnedObject(String name, String marker) { fake.putProject(name, marker); }
 *   protected void plantForeignObject(String name) { fake.putProject(name, null); }
 *   protected void deleteOutOfBand(String name) { fake.removeProject(name); }     // optional
 * }
 * }</pre>
 *
 * @param <S> the type's spec record
 * @param <O> the type's output record
 */
public abstract class ResourceTypeConformance<S, O> {

  /** The blueprint name of the resource under test. */
  public static final String SUBJECT = "subject";

  /**
   * The platform domains the kit's engine is configured with: host names in {@link #params()} under one of them
   * (e.g. {@code shop.example.com}) are the platform's to give out, so a subject with a route, DNS record or domain
   * needs no ownership proof. Use {@link #configure} to add others.
   */
  public static final List<String> PLATFORM_DOMAINS = List.of("example.com", "example.org", "example.net",
      "example.test");

  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final int MAX_CRASH_POINTS = 15;

  private final List<Tenantwright> opened = new ArrayList<>();
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final AtomicReference<IntConsumer> callListener = new AtomicReference<>(n -> {});
  private final AtomicInteger tenants = new AtomicInteger();
  private final Secret secret = Secret.generate(24);
  private Path dir;

  // ------------------------------------------------------------------------------------ what a vendor supplies

  /** A fresh instance of the type under test. */
  protected abstract ResourceType<S, O> type();

  /**
   * Valid blueprint parameters for one resource of the type. A value may be {@code "${secrets.conformance}"}
   * to receive a generated secret (the kit then checks it never leaks). The kit provisions many tenants side by
   * side, and a host name belongs to the first tenant that uses it, so make names differ per tenant, under one of
   * {@link #PLATFORM_DOMAINS}: {@code "${tenant.id}.example.com"}.
   */
  protected abstract Map<String, Object> params();

  /** Changed parameters for the update check, or null when the type is not {@code Updatable}. */
  protected Map<String, Object> updatedParams() {
    return null;
  }

  /** Plugin configuration sections pointing the type at the fake (backend name → section). */
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Map.of();
  }

  /** Extra wiring, e.g. {@code b.commandRunner(fakeRunner)} for CLI backends. */
  protected void configure(Tenantwright.Builder builder) {}

  /** What exists in the fake backend now, one entry per object (used for leak and duplicate checks). */
  protected abstract Collection<String> liveObjects();

  /**
   * Asks the fake to call {@code listener} with a running call count after every backend call has taken
   * effect (before its answer reaches the plugin); the kit uses it to crash the engine after each call.
   * Called once; the kit swaps what the listener does.
   */
  protected abstract void onBackendCall(IntConsumer listener);

  /**
   * Puts an object in the fake as the type would have made it for the resource whose
   * {@code StepContext.resourceName()} is {@code resourceName}, carrying {@code marker} as its ownership marker.
   */
  protected abstract void plantOwnedObject(String resourceName, String marker);

  /** Puts an object in the fake under the same name the type would use, without any Tenantwright marker. */
  protected abstract void plantForeignObject(String resourceName);

  /** Error cases: each makes the fake fail the next call one way and says how the type must classify it. */
  protected List<ErrorCase> errorCases() {
    return List.of();
  }

  /**
   * Deletes the object the type made for the resource whose {@code StepContext.resourceName()} is
   * {@code resourceName} directly in the fake, as an operator would by hand in the backend's console, behind
   * Tenantwright's back. Optional: a test that does not override it has the check
   * {@code anObjectDeletedOutOfBandIsReportedGoneAndRepairRecreatesIt} skipped (a JUnit assumption, reported as
   * skipped, not passed). Implement it so the kit proves that a refresh reports the object gone and a repair makes it
   * again; what it deletes must be what {@code read} looks for, and {@link #liveObjects()} must no longer list it.
   */
  protected void deleteOutOfBand(String resourceName) {
    throw new UnsupportedOperationException("deleteOutOfBand is not implemented by " + getClass().getName());
  }

  /**
   * Changes one property of the object the type made for the resource whose {@code StepContext.resourceName()} is
   * {@code resourceName} directly in the fake, as an operator would by hand, to a value the type would never set, and
   * returns the name of the output field (a component of the type's outputs record) that shows the change. Optional:
   * a test that does not override it has the check {@code aFieldEditedOutOfBandIsReportedChangedByName} skipped (a
   * JUnit assumption). Implement it where the object has a property that {@code read} reports and an operator could
   * change, so the kit proves that a refresh names that field and a repair sets it back.
   */
  protected String editOutOfBand(String resourceName) {
    throw new UnsupportedOperationException("editOutOfBand is not implemented by " + getClass().getName());
  }

  /**
   * One way a backend can fail and how the type must classify it.
   *
   * @param description what the fake returns, e.g. {@code "503 on create"}
   * @param install makes the fake fail the next call this way
   * @param retryable whether the type must throw {@code RetryableException} (else {@code PermanentException})
   */
  public record ErrorCase(String description, Runnable install, boolean retryable) {}

  // ------------------------------------------------------------------------------------ lifecycle

  @BeforeEach
  void startKit() throws IOException {
    dir = Files.createTempDirectory("tw-conformance");
    onBackendCall(n -> callListener.get().accept(n));
  }

  @AfterEach
  void stopKit() throws IOException {
    callListener.set(n -> {});
    for (Tenantwright tw : opened) {
      tw.close(Duration.ZERO);
    }
    opened.clear();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  // ------------------------------------------------------------------------------------ checks

  @Test
  void createTwiceConvergesToOneObject() {
    Provisioned p = provision();
    Collection<String> before = List.copyOf(liveObjects());
    assertThat(before).as("provisioning one %s made no object in the fake: does create call the backend, and "
        + "does liveObjects() report it?", type().type()).isNotEmpty();

    CreateResult<O> again = type().create(spec(p.tenant, params()), context(p.tenant, p.runId, 2));
    assertThat(again.origin()).as("a second create by the same step (same idempotency key) must find the object it "
        + "made and report CREATED: store ctx.ownershipMarker() on the object and compare with ctx.isOurs(marker)")
        .isEqualTo(CreateResult.Origin.CREATED);
    assertThat(liveObjects()).as("a second create must not make a second object: derive names from "
        + "ctx.resourceName() and look the object up first").hasSameSizeAs(before);
  }

  @Test
  void aCreateFromAnotherRunAdoptsTheObjectInsteadOfCreatingOne() {
    Provisioned p = provision();
    int count = liveObjects().size();
    CreateResult<O> other = type().create(spec(p.tenant, params()), context(p.tenant, "other-run-" + TestSupport.newRunId(), 1));
    assertThat(other.origin()).as("an object of this very resource made by an earlier run carries a marker that "
        + "ctx.belongsHere(marker) accepts but ctx.isOurs(marker) does not: report ADOPTED so rollback keeps it")
        .isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(liveObjects()).as("adopting must not create").hasSize(count);
  }

  @Test
  void theConfigurationItReadsIsTheRecordItDeclares() {
    Provisioned p = provision();
    Set<Class<?>> read = ConcurrentHashMap.newKeySet();
    StepContext real = context(p.tenant, p.runId, 1);
    StepContext recording = (StepContext) Proxy.newProxyInstance(StepContext.class.getClassLoader(),
        new Class<?>[] {StepContext.class}, (proxy, method, args) -> {
          if (method.getName().equals("config") && args != null && args.length == 1 && args[0] instanceof Class<?> c) {
            read.add(c);
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    type().read(spec(p.tenant, params()), null, recording);
    type().create(spec(p.tenant, params()), recording);
    Class<?> declared = type().configType();
    assertThat(read).as("the type reads ctx.config(%s) but its configType() returns %s: return the record it reads, "
        + "so the host binds and checks the '%s' section when it starts instead of failing tenants' runs",
        read, declared, type().backend()).allMatch(c -> c.equals(declared));
  }

  @Test
  void readWithUnknownOutputsFindsTheObject() {
    Provisioned p = provision();
    Optional<O> found = type().read(spec(p.tenant, params()), null, context(p.tenant, p.runId, 1));
    assertThat(found).as("after a crash the engine calls read(spec, null, ctx) to learn whether a create happened: "
        + "read must find the object from the spec and ctx.resourceName() alone").isPresent();
  }

  @Test
  void deleteTwiceSucceedsAndReadAfterDeleteIsEmpty() {
    Provisioned p = provision();
    S spec = spec(p.tenant, params());
    StepContext ctx = context(p.tenant, p.runId, 1);
    O outputs = type().read(spec, null, ctx).orElseThrow(() -> new AssertionError("read found nothing to delete"));
    type().delete(spec, outputs, ctx);
    try {
      type().delete(spec, outputs, context(p.tenant, p.runId, 2));
    } catch (RuntimeException e) {
      fail("deleting an object that is already gone must succeed (rollback and destroy retry deletes), but threw: " + e, e);
    }
    assertThat(type().read(spec, outputs, ctx)).as("read after delete must be empty").isEmpty();
    assertThat(liveObjects()).as("delete left objects in the fake").isEmpty();
  }

  @Test
  void updateConverges() {
    Map<String, Object> changed = updatedParams();
    assumeTrue(changed != null && type() instanceof Updatable, "the type is not updatable");
    Tenantwright tw = open();
    Tenant t = tenant(tw);
    assertSucceeded(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT), "provision");
    int count = liveObjects().size();
    Run updated = tw.environments().update(t.id(), "demo", RunOptions.defaults().blueprint("conformance-updated"))
        .await(WAIT);
    assertSucceeded(updated, "update");
    assertThat(liveObjects()).as("an update must change the object in place, not add one").hasSize(count);
    @SuppressWarnings("unchecked")
    Updatable<S, O> up = (Updatable<S, O>) type();
    StepContext ctx = context(t, updated.id(), 2);
    S newSpec = spec(t, changed);
    O current = type().read(newSpec, null, ctx).orElseThrow();
    O once = up.update(newSpec, newSpec, current, ctx);
    O twice = up.update(newSpec, newSpec, once, ctx);
    assertThat(twice).as("updating twice with the same spec must converge to the same outputs").isEqualTo(once);
    assertThat(liveObjects()).hasSize(count);
    Plan plan = tw.environments().plan(t.id(), "demo", RunKind.UPDATE, RunOptions.defaults());
    assertThat(plan.isEmpty()).as("a plan after the update must be empty:%n%s", plan).isTrue();
  }

  @Test
  void aCrashAfterEachBackendCallResumesToTheSameEndState() {
    AtomicInteger calls = new AtomicInteger();
    callListener.set(n -> calls.incrementAndGet());
    Tenantwright clean = open();
    assertSucceeded(clean.environments().provision(tenant(clean).id(), EnvironmentKind.DEMO).await(WAIT), "provision");
    int baselineCalls = calls.get();
    int baselineObjects = liveObjects().size();
    clean.close(Duration.ZERO);
    opened.remove(clean);
    assertThat(baselineCalls).as("the fake reported no backend calls: wire onBackendCall to every call").isPositive();

    for (int k = 1; k <= Math.min(baselineCalls, MAX_CRASH_POINTS); k++) {
      int before = liveObjects().size();
      Tenantwright first = open();
      Tenant t = tenant(first);
      AtomicInteger seen = new AtomicInteger();
      AtomicBoolean crashed = new AtomicBoolean();
      int crashAt = k;
      callListener.set(n -> {
        if (seen.incrementAndGet() == crashAt && crashed.compareAndSet(false, true)) {
          crash(first);
        }
      });
      Run run = first.environments().provision(t.id(), EnvironmentKind.DEMO);
      awaitStopped(first, run, crashed);
      callListener.set(n -> {});
      opened.remove(first);

      Tenantwright second = open();
      Run resumed = second.runs().get(run.id()).await(WAIT);
      assertThat(resumed.state()).as("after a crash following backend call %d of %d the resumed run must succeed, "
          + "but: %s", k, baselineCalls, resumed.error()).isEqualTo(RunState.SUCCEEDED);
      assertThat(liveObjects()).as("after a crash following backend call %d the resumed run must end with exactly "
          + "the objects a clean run makes (%d), no duplicate and no orphan: make create converge by name and marker",
          k, baselineObjects).hasSize(before + baselineObjects);
      Environment env = second.environments().find(t.id(), "demo").orElseThrow();
      assertThat(env.resource(SUBJECT).origin()).as("an object made by the interrupted attempt is CREATED, not "
          + "adopted: compare the marker with ctx.isOurs").isEqualTo("CREATED");
      second.close(Duration.ZERO);
      opened.remove(second);
    }
  }

  @Test
  void rollbackLeavesNothingBehind() {
    int before = liveObjects().size();
    Tenantwright tw = open();
    Run run = tw.environments().provision(tenant(tw).id(), EnvironmentKind.DEMO,
        RunOptions.defaults().blueprint("conformance-rollback")).await(WAIT);
    assertThat(run.state()).as("a later step failed on purpose; the run must roll back, but: %s", run.error())
        .isEqualTo(RunState.ROLLED_BACK);
    assertThat(liveObjects()).as("rollback must delete what the type created: delete must remove the object "
        + "found from the recorded outputs").hasSize(before);
  }

  @Test
  void rollbackNeverDeletesAnAdoptedObject() {
    Tenantwright tw = open();
    Tenant t = tenant(tw);
    String resourceName = TestSupport.resourceName(t.id(), "demo", SUBJECT);
    plantOwnedObject(resourceName, "tw:" + t.id() + "/demo/" + SUBJECT + "@000000000000");
    int before = liveObjects().size();
    Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO,
        RunOptions.defaults().blueprint("conformance-rollback")).await(WAIT);
    assertThat(run.state()).as(String.valueOf(run.error())).isEqualTo(RunState.ROLLED_BACK);
    StepStatus subject = run.steps().stream().filter(s -> s.name().equals(SUBJECT)).findFirst().orElseThrow();
    assertThat(subject.origin()).as("an existing object whose marker belongs here must be ADOPTED").isEqualTo("ADOPTED");
    assertThat(liveObjects()).as("rollback deleted an adopted object: it must only delete what it created")
        .hasSize(before);
  }

  @Test
  void aForeignObjectWithTheSameNameIsAConflictNotAnAdoption() {
    Tenantwright tw = open();
    Tenant t = tenant(tw);
    plantForeignObject(TestSupport.resourceName(t.id(), "demo", SUBJECT));
    int before = liveObjects().size();
    Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    assertThat(run.state()).as("an object without our marker must not be adopted: throw PermanentException naming "
        + "the conflict").isEqualTo(RunState.ROLLED_BACK);
    assertThat(liveObjects()).as("the foreign object must be left alone").hasSize(before);
  }

  @Test
  void aPlanAfterApplyIsEmpty() {
    Tenantwright tw = open();
    Tenant t = tenant(tw);
    assertSucceeded(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT), "provision");
    Plan plan = tw.environments().plan(t.id(), "demo", RunKind.UPDATE, RunOptions.defaults());
    assertThat(plan.isEmpty()).as("nothing changed, so the plan must be empty:%n%s", plan).isTrue();
  }

  @Test
  void aRefreshRightAfterProvisioningIsInSync() {
    Tenantwright tw = open();
    Tenant t = tenant(tw);
    assertSucceeded(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT), "provision");
    DriftReport.ResourceDrift found = refresh(tw, t, "a refresh right after provisioning");
    if (found.status() == DriftStatus.GONE) {
      fail("a refresh right after provisioning found the %s gone: read(spec, recordedOutputs, ctx) returned empty, "
          + "so it cannot find what create made; look the object up by the ids in the recorded outputs or by "
          + "ctx.resourceName(), as create does", type().type());
    }
    if (found.status() == DriftStatus.CHANGED) {
      fail("a refresh right after provisioning reported the %s CHANGED in %s, though nothing touched it: read reports "
          + "these output fields differently from what create recorded. Volatile values (timestamps, counters, a "
          + "status or address that changes by itself) make every refresh report drift: mark such a component "
          + "@Observed (dev.tenantwright.spi.Observed) if it must stay in the outputs, drop it, or make create and "
          + "read report the same stable value", type().type(), found.fields());
    }
  }

  @Test
  void anObjectDeletedOutOfBandIsReportedGoneAndRepairRecreatesIt() {
    assumeTrue(overrides("deleteOutOfBand"), "deleteOutOfBand(resourceName) is not implemented: override it to "
        + "check that a refresh finds an object deleted by hand and a repair recreates it");
    Tenantwright tw = open();
    Tenant t = tenant(tw);
    assertSucceeded(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT), "provision");
    List<String> before = List.copyOf(liveObjects());
    deleteOutOfBand(tw.environments().backendName(t.id(), "demo", SUBJECT));
    assertThat(liveObjects()).as("deleteOutOfBand must remove the object from the fake, and liveObjects() must no "
        + "longer list it").hasSizeLessThan(before.size());

    DriftReport.ResourceDrift found = refresh(tw, t, "a refresh after the object was deleted out of band");
    assertThat(found.status()).as("the %s was deleted out of band, so a refresh must report it GONE, but it is %s: "
        + "read must ask the backend whether the object exists now and return empty when it does not, never echo "
        + "the recorded outputs", type().type(), found.status()).isEqualTo(DriftStatus.GONE);

    Run repair = tw.environments().repair(t.id(), "demo", RunOptions.defaults()).await(WAIT);
    assertSucceeded(repair, "a repair of the deleted object");
    assertThat(liveObjects()).as("a repair must create the deleted object again, exactly once")
        .hasSameSizeAs(before);
    DriftReport.ResourceDrift after = refresh(tw, t, "a refresh after the repair");
    assertThat(after.status()).as("after the repair recreated it, the %s must read back in sync, but it is %s %s",
        type().type(), after.status(), after.fields()).isEqualTo(DriftStatus.IN_SYNC);
  }

  @Test
  void aFieldEditedOutOfBandIsReportedChangedByName() {
    assumeTrue(overrides("editOutOfBand"), "editOutOfBand(resourceName) is not implemented: override it to check "
        + "that a refresh names an output field changed by hand and a repair sets it back");
    Tenantwright tw = open();
    Tenant t = tenant(tw);
    assertSucceeded(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT), "provision");
    int before = liveObjects().size();
    Map<String, Object> provisioned = recordedOutputs(tw, t);
    String field = editOutOfBand(tw.environments().backendName(t.id(), "demo", SUBJECT));
    RecordComponent[] components = type().outputType().getRecordComponents();
    // a refresh names a changed output that is not a record "outputs", as a whole
    List<String> fields = components == null ? List.of("outputs")
        : Stream.of(components).map(RecordComponent::getName).toList();
    assertThat(fields).as("editOutOfBand must return the name of a field of %s", type().outputType().getSimpleName())
        .contains(field);

    DriftReport.ResourceDrift found = refresh(tw, t, "a refresh after a field was edited out of band");
    assertThat(found.status()).as("'%s' of the %s was changed out of band, so a refresh must report it CHANGED, but "
        + "it is %s: read must report the object as the backend has it now, never echo the recorded outputs",
        field, type().type(), found.status()).isEqualTo(DriftStatus.CHANGED);
    assertThat(found.fields()).as("the refresh must name the output field that was edited").contains(field);

    Run repair = tw.environments().repair(t.id(), "demo", RunOptions.defaults()).await(WAIT);
    assertSucceeded(repair, "a repair of the edited object");
    assertThat(liveObjects()).as("a repair must set the object back (or replace it), never leave a second one")
        .hasSize(before);
    assertThat(recordedOutputs(tw, t).get(field)).as("the repair must set '%s' back to what provisioning made: "
        + "update (or create, for a replacement) must converge the object to the spec, not record it as it found it",
        field).isEqualTo(provisioned.get(field));
    DriftReport.ResourceDrift after = refresh(tw, t, "a refresh after the repair");
    assertThat(after.status()).as("after the repair the %s must read back in sync, but it is %s %s: the update (or "
        + "replacement) must set '%s' back to what the spec says", type().type(), after.status(), after.fields(), field)
        .isEqualTo(DriftStatus.IN_SYNC);
  }

  @Test
  void noGeneratedSecretAppearsInLogsEventsOrTheJournal() throws Exception {
    LogCapture logs = LogCapture.start();
    try {
      Tenantwright tw = open();
      Tenant t = tenant(tw);
      tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
      tw.environments().provision(tenant(tw).id(), EnvironmentKind.DEMO,
          RunOptions.defaults().blueprint("conformance-rollback")).await(WAIT);
      String value = secret.reveal();
      assertThat(logs.text()).as("a secret value appeared in a log line").doesNotContain(value);
      assertThat(events).extracting(Event::toString).as("a secret value appeared in an event")
          .noneMatch(e -> e.contains(value));
      assertThat(journalText()).as("a secret value is stored in plain text in the journal: use Secret fields in "
          + "outputs").doesNotContain(value);
    } finally {
      logs.stop();
    }
  }

  @Test
  void backendErrorsAreClassifiedRetryableOrPermanent() {
    List<ErrorCase> cases = errorCases();
    assumeTrue(!cases.isEmpty(), "no error cases declared");
    Tenantwright tw = open();
    for (ErrorCase c : cases) {
      Tenant t = tenant(tw);
      c.install().run();
      RuntimeException thrown = null;
      try {
        type().create(spec(t, params()), context(t, "classify-" + TestSupport.newRunId(), 1));
      } catch (RuntimeException e) {
        thrown = e;
      }
      assertThat(thrown).as("%s: create must fail", c.description()).isNotNull();
      if (c.retryable()) {
        assertThat(thrown).as("%s must be a RetryableException (5xx, 429, timeouts are worth retrying)",
            c.description()).isInstanceOf(RetryableException.class);
      } else {
        assertThat(thrown).as("%s must be a PermanentException (4xx and validation errors never succeed on retry)",
            c.description()).isInstanceOf(PermanentException.class);
      }
      assertThat(thrown.getMessage()).as("%s: the message must not be empty", c.description()).isNotBlank();
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  private record Provisioned(Tenant tenant, String runId) {}

  private Provisioned provision() {
    Tenantwright tw = open();
    Tenant t = tenant(tw);
    Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    assertSucceeded(run, "provision");
    return new Provisioned(t, run.id());
  }

  /** Refreshes the tenant's demo environment and returns what it found for the subject. */
  private DriftReport.ResourceDrift refresh(Tenantwright tw, Tenant t, String what) {
    Run run = tw.environments().refresh(t.id(), "demo", RunOptions.defaults()).await(WAIT);
    assertThat(run.state()).as("%s must succeed, but: %s (a refresh only calls read(spec, recordedOutputs, ctx): "
        + "read must not fail when the object exists, nor when it is gone)", what, run.error())
        .isEqualTo(RunState.SUCCEEDED);
    DriftReport report = tw.environments().drift(t.id(), "demo").orElseThrow(
        () -> new AssertionError(what + " succeeded but left no drift report"));
    DriftReport.ResourceDrift found = report.resource(SUBJECT);
    assertThat(found).as("%s did not report the resource under test", what).isNotNull();
    return found;
  }

  /** The subject's outputs as the environment records them (secrets masked). */
  private static Map<String, Object> recordedOutputs(Tenantwright tw, Tenant t) {
    return tw.environments().find(t.id(), "demo").orElseThrow().resource(SUBJECT).outputs();
  }

  /** Whether the test class (or a class between it and the kit) overrides the kit's optional hook {@code name}. */
  private boolean overrides(String name) {
    for (Class<?> c = getClass(); c != ResourceTypeConformance.class; c = c.getSuperclass()) {
      try {
        c.getDeclaredMethod(name, String.class);
        return true;
      } catch (NoSuchMethodException e) {
        // not declared at this level: look further up
      }
    }
    return false;
  }

  private static void assertSucceeded(Run run, String what) {
    assertThat(run.state()).as("%s must succeed, but: %s", what, run.error()).isEqualTo(RunState.SUCCEEDED);
  }

  private Tenantwright open() {
    Tenantwright.Builder b = Tenantwright.builder()
        .embedded(dir)
        .classpathPlugins(false)
        .platformDomains(PLATFORM_DOMAINS.toArray(String[]::new))
        .egressAllow("127.0.0.1", "::1", "localhost")
        .resourceType(type())
        .step(new Tripwire())
        .secret("conformance", secret)
        .listener(events::add)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(200))
        .maxAttempts(4)
        .defaultBlueprint("conformance")
        .blueprint(blueprint("conformance", params(), false))
        .blueprint(blueprint("conformance-rollback", params(), true));
    if (updatedParams() != null) {
      b.blueprint(blueprint("conformance-updated", updatedParams(), false));
    }
    pluginConfig().forEach(b::pluginConfig);
    configure(b);
    Tenantwright tw = b.build();
    opened.add(tw);
    return tw;
  }

  private Blueprint blueprint(String name, Map<String, Object> params, boolean tripwire) {
    Blueprint.Builder b = Blueprint.builder(name).resource(SUBJECT, type().type(), r -> r.params(params));
    if (tripwire) {
      b.resource("tripwire", Tripwire.TYPE, r -> r.needs(SUBJECT));
    }
    return b.build();
  }

  private Tenant tenant(Tenantwright tw) {
    int n = tenants.incrementAndGet();
    return tw.tenants().create(NewTenant.company("Conformance " + n).email("conformance" + n + "@example.test"));
  }

  /** Stops the engine from another thread while the backend call that triggered it waits, like a crash. */
  private static void crash(Tenantwright tw) {
    Thread closer = new Thread(() -> tw.close(Duration.ZERO), "conformance-crash");
    closer.start();
    try {
      closer.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("engine crashed");
    }
  }

  private static void awaitStopped(Tenantwright tw, Run run, AtomicBoolean crashed) {
    try {
      Run r = run.await(WAIT);
      if (!crashed.get()) {
        fail("the run finished (%s) before the planned crash point was reached", r.state());
      }
    } catch (RuntimeException stopped) {
      // expected: the engine was stopped under the run
    }
    tw.close(Duration.ZERO);
  }

  private S spec(Tenant t, Map<String, Object> params) {
    return TestSupport.bindSpec(params, type().specType(), info(t), "demo",
        name -> "conformance".equals(name) ? secret : null);
  }

  private StepContext context(Tenant t, String runId, int attempt) {
    return TestSupport.engineStepContext(info(t), new EnvironmentInfo(t.id(), "demo", EnvironmentKind.DEMO), runId,
        SUBJECT, type().backend(), attempt, Instant.now().plus(WAIT), Clock.systemUTC(), () -> false,
        // the secrets the engine's own contexts offer: the kit's host secret
        n -> "conformance".equals(n) ? Optional.of(secret) : Optional.empty(), commandRunner(), pluginConfig());
  }

  private static TenantInfo info(Tenant t) {
    return new TenantInfo(t.id(), t.displayName(), t.email(), t.plan(), t.attributes());
  }

  private CommandRunner commandRunner() {
    Tenantwright.Builder b = Tenantwright.builder();
    configure(b);
    CommandRunner r = b.config().commandRunner();
    return r != null ? r : TestSupport.processRunner();
  }

  private String journalText() {
    return TestSupport.embeddedJournalText(dir);
  }

}
