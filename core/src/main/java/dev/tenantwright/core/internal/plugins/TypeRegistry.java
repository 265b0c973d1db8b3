package dev.tenantwright.core.internal.plugins;

import java.util.Collection;
import java.util.Optional;

/**
 * Every blueprint type this host knows: core types, host-registered types and steps, and those contributed
 * by PF4J plugins (from a directory of jars or from the classpath).
 *
 * <p>Built once at start-up; immutable and thread-safe afterwards.
 */
public interface TypeRegistry {

  /** The type with this name, if any. */
  Optional<TypeHandle> find(String type);

  /** Every known type, in a stable order. */
  Collection<TypeHandle> all();
}
