package dev.tenantwright.core.internal.blueprint;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.ValidationException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registered blueprints by name and version, and the references the journal stores for them: {@code name@version}
 * for one version, or a bare {@code name} for the highest registered one (what environments recorded before
 * blueprints had versions, and what a caller naming only a blueprint means). Immutable and thread-safe.
 */
public final class BlueprintCatalog {

  private final Map<String, NavigableMap<Integer, Blueprint>> byName;

  private BlueprintCatalog(Map<String, NavigableMap<Integer, Blueprint>> byName) {
    this.byName = byName;
  }

  /**
   * Registers every blueprint; the same name and version twice is allowed only for equal blueprints.
   *
   * @throws ValidationException naming {@code blueprints} when two different blueprints share a name and version
   */
  public static BlueprintCatalog of(Collection<Blueprint> blueprints) {
    Map<String, NavigableMap<Integer, Blueprint>> byName = new TreeMap<>();
    for (Blueprint bp : blueprints) {
      Blueprint clash = byName.computeIfAbsent(bp.name(), n -> new TreeMap<>()).put(bp.version(), bp);
      if (clash != null && !clash.equals(bp)) {
        throw new ValidationException("blueprints", "two different blueprints are named '" + bp.name() + "' version "
            + bp.version() + " (" + clash.source() + " and " + bp.source() + "); give one of them another version");
      }
    }
    byName.replaceAll((n, versions) -> java.util.Collections.unmodifiableNavigableMap(versions));
    return new BlueprintCatalog(java.util.Collections.unmodifiableMap(byName));
  }

  /** The reference that names exactly this blueprint's version. */
  public static String ref(Blueprint blueprint) {
    return blueprint.name() + "@" + blueprint.version();
  }

  /** The reference of {@code name} at {@code version}. */
  public static String ref(String name, int version) {
    return name + "@" + version;
  }

  /** The blueprint name of a reference. */
  public static String nameOf(String ref) {
    int at = ref.indexOf('@');
    return at < 0 ? ref : ref.substring(0, at);
  }

  /** The version a reference names, or empty for a bare name. */
  public static Optional<Integer> versionOf(String ref) {
    int at = ref.indexOf('@');
    if (at < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(ref.substring(at + 1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The blueprint a reference names: the exact version, or the highest for a bare name. */
  public Optional<Blueprint> find(String ref) {
    NavigableMap<Integer, Blueprint> versions = byName.get(nameOf(ref));
    if (versions == null) {
      return Optional.empty();
    }
    Optional<Integer> v = versionOf(ref);
    if (ref.indexOf('@') >= 0 && v.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(v.isPresent() ? versions.get(v.get()) : versions.lastEntry().getValue());
  }

  /** The registered blueprint names, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** The registered versions of {@code name}, lowest first; empty when there is no such blueprint. */
  public List<Integer> versions(String name) {
    NavigableMap<Integer, Blueprint> versions = byName.get(name);
    return versions == null ? List.of() : List.copyOf(versions.keySet());
  }

  /** Every registered blueprint, every version. */
  public List<Blueprint> all() {
    return byName.values().stream().flatMap(v -> v.values().stream()).toList();
  }
}
