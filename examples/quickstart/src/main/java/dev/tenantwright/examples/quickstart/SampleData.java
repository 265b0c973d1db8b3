package dev.tenantwright.examples.quickstart;

import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.StepContext;

/**
 * Loads sample records into a demo environment (the sandbox only counts them): shows a step that exists only
 * for the demo kind and reports progress.
 */
final class SampleData implements ProvisioningStep<SampleData.Params, SampleData.Outputs> {

  /** Which site and how many records. */
  public record Params(String site, int records) {}

  /** How many records were loaded. */
  public record Outputs(int loaded) {}

  @Override
  public String type() {
    return "sandbox.sample-data";
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
  public Outputs apply(Params p, StepContext ctx) {
    for (int i = 1; i <= p.records(); i += 5) {
      ctx.progress().report(i * 100 / p.records(), "loaded " + i + " of " + p.records() + " sample records");
    }
    return new Outputs(p.records());
  }

  @Override
  public void compensate(Params p, Outputs outputs, StepContext ctx) {
    // the sandbox keeps no records, so there is nothing to remove
  }
}
