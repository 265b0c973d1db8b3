package dev.tenantwright.examples.stories;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Tenantwright;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One user story, runnable in the {@link Sandbox}: the example blueprint it provisions from, the backends it needs,
 * the blueprint parameters a run needs there, and what it shows — its {@link Scene}s, then a {@link Failure}
 * rolled back.
 *
 * <p>A story object serves one engine: {@link Stories} makes a new one each time, so a story may keep what one scene
 * learns for the next (e.g. the run of a signup). Adding a story is one class implementing this
 * interface and one line in {@link Stories}; its blueprint is {@code examples/blueprints/<blueprint>.yaml}, bundled
 * at build time.
 *
 * <pre>{@code
 * final class ClientSiteStory implements Story {
 *   public String name() { return "vercel-site"; }
 *   public String description() { return "Client site on Vercel with Cloudflare DNS"; }
 *   public String blueprint() { return "vercel-site"; }
 *   public Set<Backend> backends() { return EnumSet.of(Backend.VERCEL, Backend.CLOUDFLARE); }
 *   public Map<String, Object> parameters(Sandbox sandbox, String tenantId, String environment) { ... }
 *   public List<Scene> scenes() { return List.of(new Scene("Launch the live site", ctx -> ...)); }
 *   public Failure failure() { return new Failure("A build that fails", sandbox -> ..., ctx -> ...); }
 * }
 * }</pre>
 */
public interface Story {

  /** The name the CLI runs it by, e.g. {@code vercel-site}. */
  String name();

  /** One line on what it shows. */
  String description();

  /** The example blueprint it provisions from: {@code examples/blueprints/<blueprint>.yaml}. */
  String blueprint();

  /** The blueprint, as bundled from {@code examples/blueprints}. */
  default Blueprint loadBlueprint() {
    return ExampleBlueprints.load(blueprint());
  }

  /**
   * What the story's host sets on the engine beside the sandbox's wiring ({@link Sandbox#configure}), e.g. its plans
   * and their limits; nothing by default. Whoever builds an engine for the story calls it, after the sandbox's.
   */
  default Tenantwright.Builder configure(Tenantwright.Builder builder) {
    return builder;
  }

  /** The backends its blueprint reaches, which the sandbox fakes. */
  Set<Backend> backends();

  /**
   * The blueprint parameters a run of {@code environment} needs in the sandbox: names under {@link Sandbox#ZONE}
   * made from the environment and tenant, and where the fakes answer.
   */
  Map<String, Object> parameters(Sandbox sandbox, String tenantId, String environment);

  /** What it shows, in order. */
  List<Scene> scenes();

  /** The failure it shows after the scenes: a fault injected into a backend, rolled back. */
  Failure failure();
}
