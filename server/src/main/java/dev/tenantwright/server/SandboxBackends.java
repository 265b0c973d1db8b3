package dev.tenantwright.server;

import dev.tenantwright.core.Environment;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.examples.stories.Backend;
import dev.tenantwright.examples.stories.Sandbox;
import dev.tenantwright.examples.stories.Stories;
import dev.tenantwright.examples.stories.Story;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code sandbox} option: every backend played by the test kit's fakes in this process, the example stories'
 * blueprints loaded, and a run's missing blueprint parameters filled in as each story fills them in the sandbox —
 * so that {@code curl} can provision a tenant with nothing but a kind. The push webhook URL a blueprint registers
 * is this server's own.
 */
final class SandboxBackends implements AutoCloseable, Operations.ParameterDefaults {

  static final String DEFAULT_BLUEPRINT = "vercel-site";

  private final Sandbox sandbox;
  private final Supplier<String> hooksBase;
  private volatile Tenantwright tw;

  private SandboxBackends(Sandbox sandbox, Supplier<String> hooksBase) {
    this.sandbox = sandbox;
    this.hooksBase = hooksBase;
  }

  static SandboxBackends start(Supplier<String> hooksBase) {
    return new SandboxBackends(Sandbox.start(EnumSet.allOf(Backend.class)), hooksBase);
  }

  Sandbox sandbox() {
    return sandbox;
  }

  /** Wires the fakes and every story's blueprint into the builder. */
  Tenantwright.Builder configure(Tenantwright.Builder b) {
    sandbox.configure(b);
    for (Story s : Stories.all()) {
      b.blueprint(s.loadBlueprint());
      s.configure(b);
    }
    return b;
  }

  void attach(Tenantwright tw) {
    this.tw = tw;
    sandbox.gitHubPushes().checkWith(tw);
  }

  @Override
  public RunOptions apply(String tenantId, String environment, RunOptions options) {
    String blueprint = options.blueprintName();
    if (blueprint == null) {
      Optional<Environment> env = tw.environments().find(tenantId, environment);
      blueprint = env.map(Environment::blueprint).orElse(DEFAULT_BLUEPRINT);
    }
    Optional<Story> story = Stories.forBlueprint(blueprint);
    if (story.isEmpty()) {
      return options;
    }
    RunOptions o = options;
    for (Map.Entry<String, Object> e : story.get().parameters(sandbox, tenantId, environment).entrySet()) {
      if (!options.parameters().containsKey(e.getKey())) {
        o = o.parameter(e.getKey(), e.getKey().equals("hook-url") ? hooksBase.get() : e.getValue());
      }
    }
    return o;
  }

  @Override
  public void close() {
    sandbox.close();
  }
}
