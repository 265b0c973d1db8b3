package dev.tenantwright.examples.stories;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The user stories there are, in the order they are listed. Each lookup makes a new {@link Story}, which serves one
 * engine.
 *
 * <p>To add one: write its class and add it here; its blueprint goes into {@code examples/blueprints}.
 */
public final class Stories {

  private static final Map<String, Supplier<Story>> ALL = register(
      VercelSiteStory::new,
      ErpFrappeStory::new,
      ErpIncusStory::new,
      WebsiteStory::new,
      MerchantStory::new);

  private Stories() {}

  @SafeVarargs
  private static Map<String, Supplier<Story>> register(Supplier<Story>... stories) {
    Map<String, Supplier<Story>> m = new LinkedHashMap<>();
    for (Supplier<Story> s : stories) {
      String name = s.get().name();
      if (m.put(name, s) != null) {
        throw new IllegalStateException("two stories named " + name);
      }
    }
    return m;
  }

  /** A new instance of every story, in order. */
  public static List<Story> all() {
    return ALL.values().stream().map(Supplier::get).toList();
  }

  /** A new instance of the story called {@code name}. */
  public static Optional<Story> find(String name) {
    return Optional.ofNullable(ALL.get(name)).map(Supplier::get);
  }

  /** A new instance of the story that runs the example blueprint {@code blueprint}. */
  public static Optional<Story> forBlueprint(String blueprint) {
    return ALL.values().stream().map(Supplier::get).filter(s -> s.blueprint().equals(blueprint)).findFirst();
  }

  /** The names, in order. */
  public static List<String> names() {
    return List.copyOf(ALL.keySet());
  }
}
