package dev.tenantwright.examples.stories;

import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What a {@link Scene} plays with: the engine, the sandbox, the story's customers, run options carrying the
 * story's sandbox parameters, and a place to say things and to record what did not happen as expected.
 *
 * <p>One context serves one run of a story; scenes run one after the other. Not thread-safe, except
 * {@link #say} and {@link #expect}.
 */
public final class StoryContext {

  /** The site whose environments have the short names {@code demo}, {@code live}, {@code test-<name>}. */
  public static final String MAIN_SITE = "main";

  private final Tenantwright tw;
  private final Sandbox sandbox;
  private final Story story;
  private final String actor;
  private final Duration timeout;
  private final Consumer<String> out;
  private final String session = UUID.randomUUID().toString().substring(0, 8);
  private final List<Tenant> customers = new ArrayList<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();

  /**
   * A context for one run of {@code story}.
   *
   * @param tw the engine, built with the story's blueprint and the sandbox's configuration
   * @param sandbox the fakes the engine talks to
   * @param story the story being played
   * @param actor who the runs are started by (the audit trail's actor)
   * @param timeout how long {@link #await} waits for one run
   * @param out where {@link #say} writes, one line per call
   */
  public StoryContext(Tenantwright tw, Sandbox sandbox, Story story, String actor, Duration timeout,
      Consumer<String> out) {
    this.tw = Objects.requireNonNull(tw, "tw");
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.story = Objects.requireNonNull(story, "story");
    this.actor = Objects.requireNonNull(actor, "actor");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.out = Objects.requireNonNull(out, "out");
  }

  public Tenantwright tw() {
    return tw;
  }

  public Sandbox sandbox() {
    return sandbox;
  }

  /**
   * Creates the customer (or finds it again: the same company and e-mail give the same tenant) and destroys what
   * an earlier run of the story left in its environments, so every run starts from a clean world. The customer's
   * environments are then shown in "what was made".
   */
  public Tenant customer(NewTenant newTenant) {
    Tenant t = tw.tenants().create(newTenant);
    if (customers.stream().noneMatch(c -> c.id().equals(t.id()))) {
      customers.add(t);
      for (Environment env : tw.environments().list(t.id())) {
        if (env.state() != EnvironmentState.DESTROYED) {
          say("Destroying " + t.id() + "/" + env.name() + " from an earlier run first...");
          tw.environments().destroy(t.id(), env.name(), RunOptions.defaults().actor(actor)
              .approval(actor, "the story starts from a clean world")).await(timeout);
        }
      }
    }
    return t;
  }

  /** The customers of this run, in the order they were made. */
  public List<Tenant> customers() {
    return List.copyOf(customers);
  }

  /** Options naming this context's actor, without parameters: for runs that keep what was recorded (reset, promote). */
  public RunOptions options() {
    return RunOptions.defaults().actor(actor);
  }

  /** Options for a run of {@code environment}: this context's actor and the story's sandbox parameters. */
  public RunOptions options(String tenantId, String environment) {
    RunOptions options = options();
    for (Map.Entry<String, Object> p : story.parameters(sandbox, tenantId, environment).entrySet()) {
      options = options.parameter(p.getKey(), p.getValue());
    }
    return options;
  }

  /** Starts provisioning the {@code kind} environment of a site ({@link #MAIN_SITE}: {@code demo} or {@code live}). */
  public Run provision(Tenant tenant, String site, EnvironmentKind kind) {
    return tw.environments().provision(tenant.id(), site, kind, options(tenant.id(), environmentName(site, kind)));
  }

  /** Starts creating a test instance of a site, with {@code changes} to the blueprint parameters. */
  public Run createTest(Tenant tenant, String site, String name, Map<String, Object> changes) {
    RunOptions options = options(tenant.id(), testName(site, name));
    for (Map.Entry<String, Object> c : changes.entrySet()) {
      options = options.parameter(c.getKey(), c.getValue());
    }
    return tw.environments().createTest(tenant.id(), site, name, options);
  }

  /** Waits for the run; one that did not succeed is recorded as a problem. Returns the finished run. */
  public Run await(Run run) {
    Run done = run.await(timeout);
    expect(done.state() == RunState.SUCCEEDED, done.kind() + " of " + done.tenantId() + "/" + done.environment()
        + " ended " + done.state() + (done.error() == null ? "" : ": " + done.error()));
    return done;
  }

  /** Waits for every run (started together, so they ran in parallel). */
  public List<Run> awaitAll(Run... runs) {
    List<Run> done = new ArrayList<>();
    for (Run r : runs) {
      done.add(await(r));
    }
    return done;
  }

  /** An idempotency key unique to this run of the story: {@code name} plus the run's own suffix. */
  public String key(String name) {
    return name + ":" + session;
  }

  /** Writes one line of the story's output. */
  public void say(String line) {
    out.accept(line);
  }

  /** Records {@code what} as a problem (and says so) unless {@code condition} holds. */
  public void expect(boolean condition, String what) {
    if (!condition) {
      problems.add(what);
      say("NOT AS EXPECTED: " + what);
    }
  }

  /** What did not happen as the scenes expected; empty when all did. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** The name of a site's demo or live environment: {@code demo}, or {@code shop-live}. */
  public static String environmentName(String site, EnvironmentKind kind) {
    String k = kind.name().toLowerCase(Locale.ROOT);
    return MAIN_SITE.equals(site) ? k : site + "-" + k;
  }

  /** The name of a site's test instance: {@code test-qa}, or {@code shop-test-qa}. */
  public static String testName(String site, String name) {
    return MAIN_SITE.equals(site) ? "test-" + name : site + "-test-" + name;
  }
}
