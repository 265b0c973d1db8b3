package dev.tenantwright.core.internal.blueprint;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The resource types and provisioning steps a blueprint may use, as {@link BlueprintValidator} needs them:
 * the record classes their parameters bind to and their outputs come from.
 *
 * <p>The engine implements it over its type registry; tests implement it with a map. Implementations must
 * be thread-safe.
 */
public interface TypeCatalog {

  /** The spec (or step parameter) class of {@code type}, or empty if no such type is known. */
  Optional<Class<?>> specType(String type);

  /** The output class of {@code type}, or empty if no such type is known. */
  Optional<Class<?>> outputType(String type);

  /** Every known type name, used to suggest one when a blueprint names an unknown type; may be empty. */
  default Collection<String> types() {
    return List.of();
  }
}
