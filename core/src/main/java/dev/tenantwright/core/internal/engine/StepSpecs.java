package dev.tenantwright.core.internal.engine;

import com.fasterxml.jackson.databind.JsonMappingException;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.core.internal.blueprint.Interpolator;
import dev.tenantwright.core.internal.blueprint.Resolver;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.json.JournalCodec;
import dev.tenantwright.core.internal.json.Scopes;
import dev.tenantwright.core.internal.plugins.TypeHandle;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantInfo;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves the specs of one run's steps: interpolates a definition's parameters with the run's variables,
 * secrets and the outputs of other resources, binds them to the type's spec record, and reads back the spec a
 * recorded object was made with.
 *
 * <p>Knows each resource's latest outputs ({@link #outputs}) and registers every secret it sees with the run's
 * {@link Redactor}. Thread-safe: outputs are kept in a concurrent map, everything else is immutable.
 */
final class StepSpecs {

  /** A spec as resolved (the map the journal keeps, sealed) and bound (the record the plugin gets). */
  record Resolved(Object values, Object spec) {}

  private final TenantInfo tenant;
  private final EnvironmentInfo env;
  private final Blueprint blueprint;
  private final RunSpec spec;
  private final Map<String, Secret> hostSecrets;
  private final JournalCodec codec;
  private final Redactor redactor;
  private final Map<String, Object> outputs = new ConcurrentHashMap<>();

  StepSpecs(TenantInfo tenant, EnvironmentInfo env, Blueprint blueprint, RunSpec spec, Map<String, Secret> hostSecrets,
      JournalCodec codec, Redactor redactor) {
    this.tenant = tenant;
    this.env = env;
    this.blueprint = blueprint;
    this.spec = spec;
    this.hostSecrets = hostSecrets;
    this.codec = codec;
    this.redactor = redactor;
    hostSecrets.values().forEach(redactor::add);
    registerSecrets(spec.vars());
    registerSecrets(spec.previousVars());
  }

  /** The latest outputs of a resource of this environment, or null. */
  Object outputs(String resource) {
    return outputs.get(resource);
  }

  /** Records a resource's outputs (after the commit that stored them). */
  void putOutputs(String resource, Object out) {
    registerSecrets(out);
    if (out == null) {
      outputs.remove(resource);
    } else {
      outputs.put(resource, out);
    }
  }

  /** Forgets a resource's outputs (it is gone). */
  void removeOutputs(String resource) {
    outputs.remove(resource);
  }

  /** Reads a stored row's outputs into its type's output record and remembers them. */
  Object load(ResourceRecord row, TypeHandle type) {
    Object out = codec.read(row.outputsJson(), type.outputType(), Scopes.resource(row.environmentId(), row.name(), "outputs"));
    putOutputs(row.name(), out);
    return out;
  }

  /** The step's spec as its definition resolves now (for a resource no longer defined: as recorded). */
  Resolved resolve(StepExec s) {
    if (s.def == null) {
      ResourceRecord row = s.row != null ? s.row : s.before;
      return new Resolved(null, recorded(row, s.type, s.name()));
    }
    return resolve(s.name(), s.def.params(), s.type, false);
  }

  /**
   * The spec a recorded object was last made or changed with: the resolved spec kept with its row when there is
   * one (so that removing it never needs outputs of resources that may be gone), else its parameters resolved
   * with the variables the environment had before this run.
   */
  Object recorded(ResourceRecord row, TypeHandle type, String name) {
    if (row.resolvedJson() != null) {
      try {
        return codec.read(row.resolvedJson(), type.specType(), Scopes.resource(row.environmentId(), name, "resolved"));
      } catch (RuntimeException unreadable) {
        // written for another type (a type change) or an older spec record: resolve the parameters instead
      }
    }
    return resolve(name, codec.readParams(row.paramsJson(), Scopes.resource(row.environmentId(), name, "params")), type,
        true).spec();
  }

  /** A promotion source's spec, resolved with the variables being promoted. */
  Object source(ResourceRecord row, TypeHandle type) {
    if (row.resolvedJson() != null) {
      return codec.read(row.resolvedJson(), type.specType(), Scopes.resource(row.environmentId(), row.name(), "resolved"));
    }
    return resolve(row.name(), codec.readParams(row.paramsJson(),
        Scopes.resource(row.environmentId(), row.name(), "params")), type, false).spec();
  }

  private Resolved resolve(String name, Map<String, Object> params, TypeHandle type, boolean previousVars) {
    Object resolved;
    try {
      resolved = Interpolator.resolve(params, resolver(previousVars));
    } catch (RuntimeException e) {
      throw new PermanentException("resource '" + name + "': " + redactor.redact(e.getMessage()), e);
    }
    try {
      return new Resolved(resolved, codec.bind(resolved, type.specType()));
    } catch (IllegalArgumentException e) {
      throw new PermanentException("resource '" + name + "' (" + type.type() + "): invalid parameters: "
          + redactor.redact(bindingProblem(e)), null);
    }
  }

  private Resolver resolver(boolean previousVars) {
    return new Resolver() {
      @Override
      public Object tenant(String field) {
        return Resolver.tenantField(tenant, field);
      }

      @Override
      public Object env(String field) {
        return switch (field) {
          case "name" -> env.name();
          case "kind" -> env.kind().name().toLowerCase(Locale.ROOT);
          case "site" -> env.site();
          default -> null;
        };
      }

      @Override
      public Object var(String name) {
        if (previousVars && spec.previousVars().containsKey(name)) {
          return spec.previousVars().get(name);
        }
        return spec.vars().get(name);
      }

      @Override
      public Secret secret(String name) {
        return StepSpecs.this.secret(name).orElse(null);
      }

      @Override
      public Object output(String resource, String field) {
        Object out = outputs.get(resource);
        return out == null ? null : field(out, field);
      }
    };
  }

  /**
   * A secret by name: the {@code value} of the blueprint's {@code secret} resource of that name, else the host's
   * secret of that name.
   */
  Optional<Secret> secret(String name) {
    Optional<ResourceDefinition> def = blueprint.resource(name);
    if (def.isPresent() && "secret".equals(def.get().type())) {
      Object out = outputs.get(name);
      Object v = out == null ? null : field(out, "value");
      return v instanceof Secret s ? Optional.of(s) : Optional.empty();
    }
    return Optional.ofNullable(hostSecrets.get(name));
  }

  /** A field of an output record or map, or null. */
  static Object field(Object out, String field) {
    if (out instanceof Map<?, ?> m) {
      return m.get(field);
    }
    if (out.getClass().isRecord()) {
      for (RecordComponent c : out.getClass().getRecordComponents()) {
        if (c.getName().equals(field)) {
          try {
            c.getAccessor().setAccessible(true);
            return c.getAccessor().invoke(out);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read output field " + field, e);
          }
        }
      }
    }
    return null;
  }

  private void registerSecrets(Object out) {
    if (out == null) {
      return;
    }
    if (out instanceof Secret s) {
      redactor.add(s);
    } else if (out instanceof Map<?, ?> m) {
      m.values().forEach(this::registerSecrets);
    } else if (out instanceof Collection<?> c) {
      c.forEach(this::registerSecrets);
    } else if (out.getClass().isRecord()) {
      for (RecordComponent c : out.getClass().getRecordComponents()) {
        try {
          c.getAccessor().setAccessible(true);
          registerSecrets(c.getAccessor().invoke(out));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** "field 'a.b': what is wrong", from Jackson's binding failure, without echoing the value. */
  static String bindingProblem(IllegalArgumentException e) {
    if (e.getCause() instanceof JsonMappingException jm && !jm.getPath().isEmpty()) {
      StringBuilder field = new StringBuilder();
      for (JsonMappingException.Reference ref : jm.getPath()) {
        if (ref.getFieldName() != null) {
          field.append(field.length() == 0 ? "" : ".").append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          field.append('[').append(ref.getIndex()).append(']');
        }
      }
      return "field '" + field + "': " + firstLine(jm.getOriginalMessage());
    }
    return firstLine(e.getMessage());
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "invalid value";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
