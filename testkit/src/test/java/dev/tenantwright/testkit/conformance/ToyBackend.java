package dev.tenantwright.testkit.conformance;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A tiny in-memory backend and resource type with switchable bugs, to prove the conformance kit catches them. */
final class ToyBackend {

  private static final Logger LOG = LoggerFactory.getLogger(ToyBackend.class);

  enum Bug {
    NONE, CREATES_TWICE, CLAIMS_ADOPTED_AS_CREATED, LOGS_SECRET, DELETE_IS_A_NO_OP, READS_UNDECLARED_CONFIG,
    /** Outputs carry the time the object was last looked at. */
    VOLATILE_OUTPUT,
    /** Read hands back the recorded outputs instead of asking the backend. */
    READ_ECHOES_OUTPUTS
  }

  /** A configuration record the buggy type reads without declaring it. */
  public record ToyConfig(@Nullable String region) {}

  /** The spec. */
  public record ToySpec(String size, @Nullable Secret password) {}

  /**
   * The outputs.
   *
   * @param seenAt when the object was last looked at: set only by the {@link Bug#VOLATILE_OUTPUT} type
   */
  public record ToyOut(String id, String size, @Nullable String seenAt) {}

  record Obj(String name, String marker, String size) {}

  final Map<String, Obj> objects = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicReference<IntConsumer> listener = new AtomicReference<>(n -> {});
  private final AtomicReference<RuntimeException> nextFailure = new AtomicReference<>();
  private final Bug bug;

  ToyBackend(Bug bug) {
    this.bug = bug;
  }

  Collection<String> live() {
    return List.copyOf(objects.keySet());
  }

  void afterEachCall(IntConsumer l) {
    listener.set(l);
  }

  void failNext(RuntimeException e) {
    nextFailure.set(e);
  }

  private void called() {
    listener.get().accept(calls.incrementAndGet());
  }

  private void maybeFail() {
    RuntimeException e = nextFailure.getAndSet(null);
    if (e != null) {
      throw e;
    }
  }

  ResourceType<ToySpec, ToyOut> type() {
    return new ToyType();
  }

  private ToyOut out(String name, String size) {
    return new ToyOut(name, size, bug == Bug.VOLATILE_OUTPUT ? String.valueOf(System.nanoTime()) : null);
  }

  final class ToyType implements ResourceType<ToySpec, ToyOut>, Updatable<ToySpec, ToyOut> {
    @Override
    public String type() {
      return "toy.box";
    }

    @Override
    public Class<ToySpec> specType() {
      return ToySpec.class;
    }

    @Override
    public Class<ToyOut> outputType() {
      return ToyOut.class;
    }

    @Override
    public CreateResult<ToyOut> create(ToySpec spec, StepContext ctx) {
      maybeFail();
      if (bug == Bug.READS_UNDECLARED_CONFIG) {
        ctx.config(ToyConfig.class);
      }
      if (bug == Bug.LOGS_SECRET && spec.password() != null) {
        LOG.info("creating box with password {}", spec.password().reveal());
      }
      String name = ctx.resourceName();
      Obj existing = bug == Bug.CREATES_TWICE ? null : objects.get(name);
      if (existing != null) {
        called();
        ToyOut out = out(existing.name(), existing.size());
        if (ctx.isOurs(existing.marker()) || bug == Bug.CLAIMS_ADOPTED_AS_CREATED && ctx.belongsHere(existing.marker())) {
          return CreateResult.created(out);
        }
        if (ctx.belongsHere(existing.marker())) {
          return CreateResult.adopted(out);
        }
        throw new PermanentException("box " + name + " exists and is not ours");
      }
      String key = bug == Bug.CREATES_TWICE ? name + "#" + ids.incrementAndGet() : name;
      objects.put(key, new Obj(name, ctx.ownershipMarker(), spec.size()));
      called();
      return CreateResult.created(out(name, spec.size()));
    }

    @Override
    public Optional<ToyOut> read(ToySpec spec, ToyOut outputs, StepContext ctx) {
      maybeFail();
      called();
      if (bug == Bug.READ_ECHOES_OUTPUTS && outputs != null) {
        return Optional.of(outputs);
      }
      return objects.values().stream().filter(o -> o.name().equals(ctx.resourceName())).findFirst()
          .map(o -> out(o.name(), o.size()));
    }

    @Override
    public void delete(ToySpec spec, ToyOut outputs, StepContext ctx) {
      maybeFail();
      if (bug != Bug.DELETE_IS_A_NO_OP) {
        objects.values().removeIf(o -> o.name().equals(ctx.resourceName()));
      }
      called();
    }

    @Override
    public ToyOut update(ToySpec spec, ToySpec previous, ToyOut outputs, StepContext ctx) {
      maybeFail();
      Obj o = objects.get(ctx.resourceName());
      if (o == null) {
        throw new RetryableException("box vanished");
      }
      objects.put(o.name(), new Obj(o.name(), o.marker(), spec.size()));
      called();
      return out(o.name(), spec.size());
    }
  }
}
