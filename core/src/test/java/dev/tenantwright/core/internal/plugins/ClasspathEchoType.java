package dev.tenantwright.core.internal.plugins;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * A resource type indexed as a PF4J system extension on the test classpath (the annotation processor writes
 * it to {@code META-INF/extensions.idx}), as a plugin under development would be.
 */
@Extension
public final class ClasspathEchoType implements ResourceType<ClasspathEchoType.Spec, ClasspathEchoType.Out> {

  /** The spec. */
  public record Spec(String text) {}

  /** The outputs. */
  public record Out(String text) {}

  @Override
  public String type() {
    return "testing.classpath-echo";
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
    return CreateResult.created(new Out(spec.text()));
  }

  @Override
  public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) {
    return Optional.ofNullable(outputs);
  }

  @Override
  public void delete(Spec spec, Out outputs, StepContext ctx) {}
}
