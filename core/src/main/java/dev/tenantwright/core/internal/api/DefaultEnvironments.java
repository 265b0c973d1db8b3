package dev.tenantwright.core.internal.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.Environments;
import dev.tenantwright.core.Plan;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.internal.engine.Engine;
import dev.tenantwright.core.internal.engine.Engine.StartRequest;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.json.SecretCodec;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Starts environment runs through the engine and shows environments from the journal. */
final class DefaultEnvironments implements Environments {

  private static final Pattern TEST_NAME = Pattern.compile("[a-z][a-z0-9-]{0,19}");
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private final Journal journal;
  private final Engine engine;
  private final DefaultRuns runs;
  private final Map<String, Blueprint> blueprints;
  private final String defaultBlueprint;

  DefaultEnvironments(Journal journal, Engine engine, DefaultRuns runs, Map<String, Blueprint> blueprints,
      String defaultBlueprint) {
    this.journal = journal;
    this.engine = engine;
    this.runs = runs;
    this.blueprints = blueprints;
    this.defaultBlueprint = defaultBlueprint;
  }

  @Override
  public Run provision(String tenantId, EnvironmentKind kind, RunOptions options) {
    if (kind == EnvironmentKind.TEST) {
      throw new ValidationException("kind", "test instances have names: use createTest(tenantId, name, options)");
    }
    return start(tenantId, kind == EnvironmentKind.DEMO ? "demo" : "live", kind, RunKind.PROVISION, options);
  }

  @Override
  public Run createTest(String tenantId, String name, RunOptions options) {
    if (name == null || !TEST_NAME.matcher(name).matches()) {
      throw new ValidationException("name", "a test instance name is 1-20 of [a-z0-9-], starting with a letter");
    }
    return start(tenantId, "test-" + name, EnvironmentKind.TEST, RunKind.PROVISION, options);
  }

  @Override
  public Run update(String tenantId, String environment, RunOptions options) {
    return start(tenantId, environment, kindOf(environment), RunKind.UPDATE, options);
  }

  @Override
  public Run destroy(String tenantId, String environment, RunOptions options) {
    return start(tenantId, environment, kindOf(environment), RunKind.DESTROY, options);
  }

  @Override
  public Plan plan(String tenantId, String environment, RunKind kind, RunOptions options) {
    EnvironmentKind envKind = kindOf(environment);
    StartRequest req = request(tenantId, environment, envKind, kind, options);
    var steps = engine.plan(req).stream()
        .map(p -> new Plan.Step(p.name(), p.type(), p.action(), p.reason(), List.copyOf(p.waitsFor()))).toList();
    String bp = req.blueprint() != null ? req.blueprint()
        : journal.environment(tenantId + "/" + environment).map(EnvironmentRecord::blueprint).orElse("?");
    return new Plan(tenantId, environment, kind, bp, steps);
  }

  @Override
  public List<Environment> list(String tenantId) {
    return journal.environments(tenantId).stream().map(this::environment).toList();
  }

  @Override
  public Optional<Environment> find(String tenantId, String environment) {
    return journal.environment(tenantId + "/" + environment).map(this::environment);
  }

  private Run start(String tenantId, String environment, EnvironmentKind kind, RunKind runKind, RunOptions options) {
    StartRequest req = request(tenantId, environment, kind, runKind, options);
    return RunHandle.load(journal, engine, engine.start(req));
  }

  private StartRequest request(String tenantId, String environment, EnvironmentKind kind, RunKind runKind,
      RunOptions options) {
    String bp = options.blueprintName();
    if (bp == null && journal.environment(tenantId + "/" + environment).isEmpty()) {
      bp = defaultBlueprint();
    }
    return new StartRequest(tenantId, environment, kind, runKind, bp, options.parameters(), options.idempotencyKey(),
        options.actorName(), options.reasonText());
  }

  private String defaultBlueprint() {
    if (defaultBlueprint != null) {
      return defaultBlueprint;
    }
    if (blueprints.size() == 1) {
      return blueprints.keySet().iterator().next();
    }
    throw new ValidationException("blueprint", blueprints.isEmpty() ? "no blueprint is registered"
        : "several blueprints are registered " + blueprints.keySet() + ": name one in RunOptions or set a default");
  }

  static EnvironmentKind kindOf(String environment) {
    if ("demo".equals(environment)) {
      return EnvironmentKind.DEMO;
    }
    if ("live".equals(environment)) {
      return EnvironmentKind.LIVE;
    }
    if (environment != null && environment.startsWith("test-")
        && TEST_NAME.matcher(environment.substring(5)).matches()) {
      return EnvironmentKind.TEST;
    }
    throw new ValidationException("environment", "'" + environment + "' is not demo, live or test-<name>");
  }

  private Environment environment(EnvironmentRecord e) {
    List<Environment.Resource> resources = journal.resources(e.id()).stream().map(DefaultEnvironments::resource).toList();
    return new Environment(e.tenantId(), e.name(), e.kind(), e.state(), e.blueprint(), e.lastError(), resources,
        Instant.ofEpochMilli(e.createdAt()), Instant.ofEpochMilli(e.updatedAt()));
  }

  private static Environment.Resource resource(ResourceRecord r) {
    Map<String, Object> outputs;
    try {
      outputs = mask(PLAIN.readValue(r.outputsJson(), new TypeReference<Map<String, Object>>() {}));
    } catch (IOException ex) {
      throw new TenantwrightException("corrupt outputs of resource " + r.name(), ex);
    }
    return new Environment.Resource(r.name(), r.type(), r.origin().name(), outputs);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mask(Map<String, Object> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> {
      if (v instanceof String s && s.startsWith(SecretCodec.PREFIX)) {
        out.put(k, Secret.MASK);
      } else if (v instanceof Map<?, ?> m) {
        out.put(k, mask((Map<String, Object>) m));
      } else {
        out.put(k, v);
      }
    });
    return out;
  }
}
