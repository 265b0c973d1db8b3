package dev.tenantwright.core.internal.plugins;

import dev.tenantwright.core.PluginLoadException;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.ResourceType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@link TypeRegistry} a host builds once at start-up from core types, host-registered types and steps,
 * and the extensions of a {@link PluginHost}.
 *
 * <p>Two contributions with the same name are refused with a {@link PluginLoadException} that names both
 * origins — a blueprint must never depend on which jar happened to load first. Immutable and thread-safe
 * once built; types are listed in name order.
 *
 * <pre>{@code
 * TypeRegistry types = DefaultTypeRegistry.builder()
 *     .addResourceTypes(CoreTypes.create(ports, PortRange.DEFAULT, http, egress), TypeHandles.CORE)
 *     .addResourceType(new MyHostType(), TypeHandles.HOST)
 *     .addAll(pluginHost.types())
 *     .build();
 * }</pre>
 */
public final class DefaultTypeRegistry implements TypeRegistry {

  private final TreeMap<String, TypeHandle> byName;
  private final List<TypeHandle> all;

  private DefaultTypeRegistry(TreeMap<String, TypeHandle> byName) {
    this.byName = byName;
    this.all = Collections.unmodifiableList(new ArrayList<>(byName.values()));
  }

  /** Starts an empty registry. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<TypeHandle> find(String type) {
    return Optional.ofNullable(byName.get(type));
  }

  @Override
  public Collection<TypeHandle> all() {
    return all;
  }

  @Override
  public String toString() {
    return "DefaultTypeRegistry" + byName.keySet();
  }

  /** Collects type handles and checks them for duplicates. Not thread-safe; use once. */
  public static final class Builder {
    private final List<TypeHandle> handles = new ArrayList<>();

    private Builder() {}

    /** Adds a wrapped type or step as it is. */
    public Builder add(TypeHandle handle) {
      handles.add(Objects.requireNonNull(handle, "handle"));
      return this;
    }

    /** Adds wrapped types, e.g. {@link PluginHost#types()}. */
    public Builder addAll(Collection<? extends TypeHandle> more) {
      more.forEach(this::add);
      return this;
    }

    /**
     * Adds a resource type from {@code origin} ({@link TypeHandles#CORE}, {@link TypeHandles#HOST} or a
     * plugin id).
     *
     * @throws PluginLoadException if its name is invalid
     */
    public Builder addResourceType(ResourceType<?, ?> type, String origin) {
      return add(TypeHandles.forResource(type, origin));
    }

    /** Adds resource types from one origin. */
    public Builder addResourceTypes(Collection<? extends ResourceType<?, ?>> types, String origin) {
      types.forEach(t -> addResourceType(t, origin));
      return this;
    }

    /**
     * Adds a provisioning step from {@code origin}.
     *
     * @throws PluginLoadException if its name is invalid
     */
    public Builder addStep(ProvisioningStep<?, ?> step, String origin) {
      return add(TypeHandles.forStep(step, origin));
    }

    /**
     * Builds the registry.
     *
     * @throws PluginLoadException if two contributions share a name; the message names both origins
     */
    public DefaultTypeRegistry build() {
      TreeMap<String, TypeHandle> byName = new TreeMap<>();
      for (TypeHandle h : handles) {
        TypeHandle previous = byName.putIfAbsent(h.type(), h);
        if (previous != null) {
          throw new PluginLoadException("type '" + h.type() + "' is contributed twice: by "
              + TypeHandles.describeOrigin(previous.origin()) + " and by " + TypeHandles.describeOrigin(h.origin()));
        }
      }
      return new DefaultTypeRegistry(byName);
    }
  }
}
