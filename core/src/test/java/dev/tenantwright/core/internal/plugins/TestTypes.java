package dev.tenantwright.core.internal.plugins;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Promotable;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.Resettable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Small resource types and steps with configurable names that record their calls, for registry tests. */
final class TestTypes {

  private TestTypes() {}

  record Spec(String value) {}

  record Out(String value) {}

  /** A resource type with only the mandatory operations. */
  static class Plain implements ResourceType<Spec, Out> {
    final String name;
    final List<String> calls = new CopyOnWriteArrayList<>();

    Plain(String name) {
      this.name = name;
    }

    @Override
    public String type() {
      return name;
    }

    @Override
    public Class<Spec> specType() {
      return Spec.class;
    }

    @Override
    public Class<Out> outputType() {
      return Out.class;
    }

    @Override
    public CreateResult<Out> create(Spec spec, StepContext ctx) {
      calls.add("create " + spec.value());
      return CreateResult.adopted(new Out(spec.value()));
    }

    @Override
    public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) {
      calls.add("read");
      return Optional.ofNullable(outputs);
    }

    @Override
    public void delete(Spec spec, Out outputs, StepContext ctx) {
      calls.add("delete " + (outputs == null ? "null" : outputs.value()));
    }
  }

  /** A resource type with every optional capability. */
  static final class Capable extends Plain implements Updatable<Spec, Out>, Resettable<Spec, Out>,
      Promotable<Spec, Out> {

    Capable(String name) {
      super(name);
    }

    @Override
    public boolean dataBearing() {
      return true;
    }

    @Override
    public String backend() {
      return "capable";
    }

    @Override
    public Out update(Spec spec, Spec previous, Out outputs, StepContext ctx) {
      calls.add("update " + previous.value() + "->" + spec.value());
      return new Out(spec.value());
    }

    @Override
    public Out reset(Spec spec, Out outputs, StepContext ctx) {
      calls.add("reset");
      return outputs;
    }

    @Override
    public Out promote(Spec liveSpec, Out liveOutputs, Spec sourceSpec, Out sourceOutputs, StepContext ctx) {
      calls.add("promote " + sourceOutputs.value());
      return new Out(sourceSpec.value());
    }
  }

  /** A provisioning step. */
  static final class Step implements ProvisioningStep<Spec, Out> {
    final String name;
    final List<String> calls = new CopyOnWriteArrayList<>();

    Step(String name) {
      this.name = name;
    }

    @Override
    public String type() {
      return name;
    }

    @Override
    public Class<Spec> parametersType() {
      return Spec.class;
    }

    @Override
    public Class<Out> outputType() {
      return Out.class;
    }

    @Override
    public Out apply(Spec parameters, StepContext ctx) {
      calls.add("apply " + parameters.value());
      return new Out(parameters.value());
    }

    @Override
    public void compensate(Spec parameters, Out outputs, StepContext ctx) {
      calls.add("compensate " + (outputs == null ? "null" : outputs.value()));
    }
  }
}
