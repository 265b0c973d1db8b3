package dev.tenantwright.core.fuzz;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.ValidationException;
import java.io.IOException;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generated bad input against a real engine: sign-ups (company names, e-mails, requested slugs, plans,
 * attributes) and test instances with run options (names, idempotency keys, blueprints, parameters, actors).
 * Every case either succeeds — with a tenant or run that is what was asked for — or is refused with a public
 * {@link dev.tenantwright.spi.TenantwrightException} subtype whose message names the field, and a refused call
 * creates nothing: the tenant, environment, run and resource tables and the backend keep their counts.
 *
 * <p>{@link H2InputFuzzTest} and {@link PostgresInputFuzzTest} run it on each store.
 */
abstract class InputFuzzContract {

  private static final Pattern SLUG = Pattern.compile("[a-z]([a-z0-9-]*[a-z0-9])?");
  private static final Duration WAIT = Duration.ofSeconds(30);

  static final Blueprint FUZZ = Blueprint.builder("fuzz")
      .var("theme", "classic")
      .var("size", 1)
      .resource("thing", "fuzz.thing", r -> r.param("value", "${vars.theme} for ${tenant.id}").param("size",
          "${vars.size}"))
      .build();
  static final Blueprint OTHER = Blueprint.builder("other")
      .resource("thing", "fuzz.thing", r -> r.param("value", "other"))
      .build();

  protected final FuzzThing thing = new FuzzThing();
  private Tenantwright tw;
  private Connection counter;

  /** The store's name, for the fuzz seed line. */
  abstract String store();

  /** The share of the total cases each test of this store takes: sign-ups, then run options. */
  abstract double[] shares();

  abstract void startStore() throws IOException;

  abstract Tenantwright.Builder builder();

  abstract DataSource dataSource();

  abstract void stopStore() throws IOException;

  @BeforeEach
  void open() throws IOException {
    startStore();
    tw = builder().resourceType(thing).blueprint(FUZZ).blueprint(OTHER).defaultBlueprint("fuzz")
        .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build();
  }

  @AfterEach
  void close() throws IOException, SQLException {
    if (counter != null) {
      counter.close();
    }
    tw.close(Duration.ZERO);
    stopStore();
  }

  // ------------------------------------------------------------------------------------------ sign-ups

  @Test
  void everySignUpIsEitherCreatedAsAskedOrRefusedByNameWithoutATrace() {
    Fuzz fuzz = Fuzz.forTest("sign-ups on " + store(), shares()[0], 300);
    Random r = fuzz.random();
    Map<String, String> tenantOfEmail = new HashMap<>();
    for (int i = 0; i < fuzz.cases(); i++) {
      SignUp s = signUp(r, i);
      long[] before = counts();
      Tenant t;
      try {
        t = tw.tenants().create(s.build());
      } catch (RuntimeException e) {
        String problem = refusalProblem(e, List.of("company", "email", "plan", "slug", "attributes"));
        if (problem == null && e instanceof ConflictException && !tenantOfEmail.containsKey(normal(s.email))
            && s.slug == null) {
          problem = "a conflict, though neither the e-mail nor a requested id was taken";
        }
        long[] after = counts();
        if (problem == null && !java.util.Arrays.equals(before, after)) {
          problem = "refused, yet something was created: counts " + java.util.Arrays.toString(before) + " → "
              + java.util.Arrays.toString(after);
        }
        if (problem != null) {
          fuzz.fail(i, s.toString(), problem, e);
        }
        continue;
      } catch (Error e) {
        fuzz.fail(i, s.toString(), "an error escaped", e);
        continue;
      }
      String problem = createdProblem(s, t, before, tenantOfEmail);
      if (problem != null) {
        fuzz.fail(i, s.toString(), problem, null);
      }
      tenantOfEmail.putIfAbsent(t.email(), t.id());
    }
    fuzz.assertNoFailures();
  }

  private String createdProblem(SignUp s, Tenant t, long[] before, Map<String, String> tenantOfEmail) {
    String known = tenantOfEmail.get(normal(s.email));
    long[] after = counts();
    if (known != null) {
      if (!known.equals(t.id())) {
        return "a repeated sign-up returned tenant '" + t.id() + "' instead of '" + known + "'";
      }
      return after[0] == before[0] ? null : "a repeated sign-up created another tenant";
    }
    if (after[0] != before[0] + 1) {
      return "created, but the tenant count went " + before[0] + " → " + after[0];
    }
    if (!SLUG.matcher(t.id()).matches() || t.id().length() > 40 || t.id().contains("--")) {
      return "the id " + Fuzz.show(t.id()) + " is not a DNS-safe slug of at most 40 characters";
    }
    if (s.slug != null && !s.slug.equals(t.id())) {
      return "asked for id " + Fuzz.show(s.slug) + " but got " + Fuzz.show(t.id());
    }
    if (!t.displayName().equals(s.company.strip()) || hasControl(t.displayName())) {
      return "the display name " + Fuzz.show(t.displayName()) + " is not the company name as given, or holds "
          + "control characters";
    }
    if (!t.email().equals(normal(s.email)) || hasControl(t.email()) || t.email().chars().anyMatch(
        Character::isWhitespace)) {
      return "the e-mail was stored as " + Fuzz.show(t.email()) + ", which is not a clean e-mail address";
    }
    Tenant back = tw.tenants().find(t.id()).orElse(null);
    if (back == null || !back.displayName().equals(t.displayName()) || !back.email().equals(t.email())
        || !back.plan().equals(t.plan()) || !back.attributes().equals(t.attributes())) {
      return "reading the tenant back gave " + back + " instead of " + t;
    }
    return null;
  }

  private record SignUp(String company, String email, String plan, boolean planGiven, String slug,
      Map<String, String> attributes) {
    NewTenant build() {
      NewTenant t = NewTenant.company(company).email(email);
      if (planGiven) {
        t = t.plan(plan);
      }
      if (slug != null) {
        t = t.slug(slug);
      }
      for (Map.Entry<String, String> a : attributes.entrySet()) {
        t = t.attribute(a.getKey(), a.getValue());
      }
      return t;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("NewTenant.company(").append(Fuzz.show(company)).append(").email(")
          .append(Fuzz.show(email)).append(')');
      if (planGiven) {
        sb.append(".plan(").append(Fuzz.show(plan)).append(')');
      }
      if (slug != null) {
        sb.append(".slug(").append(Fuzz.show(slug)).append(')');
      }
      attributes.forEach((k, v) -> sb.append(".attribute(").append(Fuzz.show(k)).append(", ").append(Fuzz.show(v))
          .append(')'));
      return sb.toString();
    }
  }

  private static SignUp signUp(Random r, int i) {
    String company = r.nextInt(5) < 3 ? BadInput.text(r) : "Company " + i + " " + BadInput.word(r);
    String email = BadInput.email(r, i);
    String[] plans = {"default", "pro", "starter-2", "", " ", "Pro", "-pro", "pro plan", "a".repeat(63),
        "a".repeat(64), "pro\u0000", "pröo", null};
    boolean planGiven = r.nextInt(5) == 0;
    String plan = planGiven ? (r.nextBoolean() ? plans[r.nextInt(plans.length)] : BadInput.text(r)) : null;
    String slug = null;
    if (r.nextInt(4) == 0) {
      String[] slugs = {"s" + i, "acme-" + i, "Acme", "1acme", "acme-", "-acme", "ac--me", "a".repeat(40),
          "a".repeat(41), "", " ", "acme_" + i, "acmé", "acme\u0000", "abc-corporation", "s0"};
      slug = r.nextBoolean() ? slugs[r.nextInt(slugs.length)] : BadInput.text(r);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    if (r.nextInt(10) < 3) {
      int n = 1 + r.nextInt(3);
      for (int k = 0; k < n; k++) {
        String[] keys = {"industry", "size", "site.type", "a-b_c", "", " ", "with space", "ü", "k".repeat(64),
            "k".repeat(65), "x\u0000"};
        String key = r.nextBoolean() ? keys[r.nextInt(keys.length)] : BadInput.text(r);
        String value = switch (r.nextInt(4)) {
          case 0 -> "manufacturing";
          case 1 -> "v".repeat(r.nextBoolean() ? 500 : 501);
          default -> BadInput.text(r);
        };
        attributes.put(key, value);
      }
    }
    return new SignUp(company, email, plan, planGiven, slug, attributes);
  }

  // ------------------------------------------------------------------------------------------ run options

  @Test
  void everyTestInstanceRequestEitherRunsOrIsRefusedByNameWithoutATrace() {
    Fuzz fuzz = Fuzz.forTest("test instances and run options on " + store(), shares()[1], 200);
    Random r = fuzz.random();
    String tenant = tw.tenants().create(NewTenant.company("Fuzz Options Co").email("opts@fuzz.example")).id();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < fuzz.cases(); i++) {
      Request q = request(r, i, keys);
      RunOptions options;
      try {
        options = q.options();
      } catch (RuntimeException e) {
        String problem = refusalProblem(e, List.of("idempotencyKey", "blueprint", "parameters", "actor", "reason"));
        if (problem != null) {
          fuzz.fail(i, q.toString(), "RunOptions refused a value unclearly: " + problem, e);
        }
        continue;
      }
      long[] before = counts();
      int objects = thing.objects.size();
      Run run;
      try {
        run = tw.environments().createTest(tenant, q.name, options);
      } catch (RuntimeException e) {
        String problem = refusalProblem(e, List.of("name", "idempotencyKey", "parameters", "blueprint", "actor",
            "reason", "environment"));
        if (problem == null && e instanceof NotFoundException && !e.getMessage().contains("blueprint")) {
          problem = "not found, but the message does not say what";
        }
        long[] after = counts();
        if (problem == null && (!java.util.Arrays.equals(before, after) || thing.objects.size() != objects)) {
          problem = "refused, yet something was created: counts " + java.util.Arrays.toString(before) + " → "
              + java.util.Arrays.toString(after) + ", backend objects " + objects + " → " + thing.objects.size();
        }
        if (problem != null) {
          fuzz.fail(i, q.toString(), problem, e);
        }
        continue;
      } catch (Error e) {
        fuzz.fail(i, q.toString(), "an error escaped", e);
        continue;
      }
      if (q.key != null) {
        keys.add(q.key);
      }
      Run done;
      try {
        done = run.await(WAIT);
      } catch (RuntimeException e) {
        fuzz.fail(i, q.toString(), "the run started but could not be followed to its end", e);
        continue;
      }
      if (done.state() == RunState.SUCCEEDED) {
        continue;
      }
      if (done.state() != RunState.ROLLED_BACK) {
        fuzz.fail(i, q.toString(), "the run ended " + done.state() + ": " + done.error(), null);
      } else if (q.plainlyValid()) {
        fuzz.fail(i, q.toString(), "valid input, yet the run rolled back: " + done.error(), null);
      } else if (done.error() == null || !done.error().contains("'thing'")) {
        fuzz.fail(i, q.toString(), "the run rolled back with an error that names no step: " + done.error(), null);
      } else if (thing.objects.size() != objects) {
        fuzz.fail(i, q.toString(), "the run rolled back but left backend objects behind", null);
      }
    }
    fuzz.assertNoFailures();
  }

  private record Request(String name, String key, String blueprint, Map<String, Object> parameters, String actor,
      String reason, boolean oddValue) {
    RunOptions options() {
      RunOptions o = RunOptions.defaults();
      if (key != null) {
        o = o.idempotencyKey(key);
      }
      if (blueprint != null) {
        o = o.blueprint(blueprint);
      }
      for (Map.Entry<String, Object> p : parameters.entrySet()) {
        o = o.parameter(p.getKey(), p.getValue());
      }
      if (actor != null) {
        o = o.actor(actor);
      }
      if (reason != null) {
        o = o.reason(reason);
      }
      return o;
    }

    boolean plainlyValid() {
      return !oddValue;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("createTest(tenant, ").append(Fuzz.show(name)).append(", RunOptions.defaults()");
      if (key != null) {
        sb.append(".idempotencyKey(").append(Fuzz.show(key)).append(')');
      }
      if (blueprint != null) {
        sb.append(".blueprint(").append(Fuzz.show(blueprint)).append(')');
      }
      parameters.forEach((k, v) -> sb.append(".parameter(").append(Fuzz.show(k)).append(", ")
          .append(v == null ? "null" : v.getClass().getSimpleName() + " " + Fuzz.show(v)).append(')'));
      if (actor != null) {
        sb.append(".actor(").append(Fuzz.show(actor)).append(')');
      }
      if (reason != null) {
        sb.append(".reason(").append(Fuzz.show(reason)).append(')');
      }
      return sb.append(')').toString();
    }
  }

  private static Request request(Random r, int i, List<String> keys) {
    String[] names = {"A", "1abc", "a".repeat(20), "a".repeat(21), "a_b", "test-x", "", " a", "a b", "ä",
        "demo", "live", "a\u0000", "-a"};
    String name = switch (r.nextInt(4)) {
      case 0, 1 -> "t" + Integer.toString(i, 36);
      case 2 -> names[r.nextInt(names.length)];
      default -> BadInput.text(r);
    };
    String key = null;
    if (r.nextInt(5) < 2) {
      String[] k = {"key-" + i, "k".repeat(200), "k".repeat(201), "k".repeat(10_000), " ", "\u0000",
          "🚀".repeat(100), "🚀".repeat(101), "key\u0000" + i, "key\n" + i};
      key = !keys.isEmpty() && r.nextInt(5) == 0 ? keys.get(r.nextInt(keys.size()))
          : r.nextBoolean() ? k[r.nextInt(k.length)] : BadInput.text(r) + i;
    }
    String blueprint = null;
    if (r.nextInt(10) < 3) {
      String[] b = {"fuzz", "other", "FUZZ", "fuzz ", "", "nope", "../fuzz"};
      blueprint = r.nextBoolean() ? b[r.nextInt(b.length)] : BadInput.text(r);
    }
    Map<String, Object> parameters = new LinkedHashMap<>();
    boolean odd = false;
    if (r.nextInt(10) < 4) {
      int n = 1 + r.nextInt(2);
      for (int k = 0; k < n; k++) {
        String pname = switch (r.nextInt(4)) {
          case 0 -> "theme";
          case 1 -> "size";
          case 2 -> BadInput.text(r);
          default -> "unknown" + k;
        };
        Object value;
        int pick = r.nextInt(16);
        value = switch (pick) {
          case 0 -> "modern";
          case 1 -> "";
          case 2 -> BadInput.text(r);
          case 3 -> "x".repeat(100_000);
          case 4 -> 42;
          case 5 -> -1L;
          case 6 -> Long.MAX_VALUE;
          case 7 -> 3.5;
          case 8 -> Double.NaN;
          case 9 -> Double.POSITIVE_INFINITY;
          case 10 -> true;
          case 11 -> List.of(1, "two", List.of());
          case 12 -> Map.of("a", "b");
          case 13 -> new BigInteger("9".repeat(60));
          case 14 -> deepMap(200);
          default -> new Object();
        };
        boolean plain = "theme".equals(pname) && value instanceof String
            || "size".equals(pname) && value instanceof Integer;
        odd |= !plain;
        parameters.put(pname, value);
      }
    }
    String actor = r.nextInt(10) < 2 ? BadInput.text(r) : null;
    String reason = r.nextInt(10) < 2 ? BadInput.text(r) : null;
    return new Request(name, key, blueprint, parameters, actor, reason, odd || blueprint != null);
  }

  private static Map<String, Object> deepMap(int depth) {
    Map<String, Object> m = Map.of("leaf", "x");
    for (int d = 0; d < depth; d++) {
      m = Map.of("n", m);
    }
    return m;
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** Null when {@code e} is a clear refusal naming one of {@code fields}; else what is wrong with it. */
  static String refusalProblem(RuntimeException e, List<String> fields) {
    if (!Fuzz.isClearError(e)) {
      return "refused with " + e.getClass().getName() + " instead of a public TenantwrightException subtype";
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return "refused without a message";
    }
    if (hasControl(message.replace('\n', ' '))) {
      return "the message holds control characters: " + Fuzz.show(message);
    }
    if (e instanceof ValidationException v) {
      String field = v.field();
      boolean named = field != null && fields.stream().anyMatch(f -> field.equals(f) || field.startsWith(f + "."));
      if (!named || !message.contains(field)) {
        return "a validation error for field " + Fuzz.show(field) + ", not one of " + fields;
      }
    }
    return null;
  }

  private static boolean hasControl(String s) {
    return s.chars().anyMatch(Character::isISOControl);
  }

  private static String normal(String email) {
    return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
  }

  /** Tenants, environments, runs and resources in the journal. */
  long[] counts() {
    try {
      if (counter == null) {
        counter = dataSource().getConnection();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open a connection to count journal rows", e);
    }
    try (Statement s = counter.createStatement();
        ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM tw_tenant), (SELECT COUNT(*) FROM tw_environment), "
            + "(SELECT COUNT(*) FROM tw_run), (SELECT COUNT(*) FROM tw_resource)")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count journal rows", e);
    }
  }
}
