package dev.tenantwright.testkit.conformance;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.StepContext;

/**
 * A provisioning step that always fails, placed after the resource under test to make a run roll back.
 */
final class Tripwire implements ProvisioningStep<Tripwire.Params, Tripwire.Outputs> {

  static final String TYPE = "conformance.tripwire";

  /** No parameters are needed; the record exists because every step has one. */
  public record Params(@Nullable String reason) {}

  /** Never produced. */
  public record Outputs(@Nullable String none) {}

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<Params> parametersType() {
    return Params.class;
  }

  @Override
  public Class<Outputs> outputType() {
    return Outputs.class;
  }

  @Override
  public Outputs apply(Params parameters, StepContext ctx) {
    throw new PermanentException("conformance tripwire: failing on purpose so that the run rolls back");
  }

  @Override
  public void compensate(Params parameters, Outputs outputs, StepContext ctx) {
    // apply never succeeds, so there is nothing to undo
  }
}
