package dev.tenantwright.examples.portal;

import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.StepContext;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code sandbox.sample-data} step: loads sample records into a demo's sandbox site in batches,
 * reporting progress, and pausing {@code pace} per batch so that a person can watch the bar move.
 *
 * <p><b>Failure on purpose.</b> For a company whose name contains {@value #FAIL_MARKER}, the first attempt
 * per environment fails part-way with a permanent error, so the run rolls back and the portal shows the
 * error and a Retry button; the retried run succeeds. "First" is counted in this process: after a
 * restart of the portal, such an environment fails once more.
 */
final class SampleData implements ProvisioningStep<SampleData.Params, SampleData.Outputs> {

  static final String TYPE = "sandbox.sample-data";
  static final String FAIL_MARKER = "Fail";
  private static final int BATCH = 5;

  /** Which site and how many records. */
  public record Params(String site, int records) {}

  /** Where and how many records were loaded. */
  public record Outputs(String site, int loaded) {}

  /**
   * Called once the step has started, before the first record is loaded: lets a test hold a run at a known
   * point to look at the page mid-run. The portal itself never holds.
   */
  @FunctionalInterface
  interface Hold {
    Hold NONE = (tenantId, environment) -> { };

    void beforeLoading(String tenantId, String environment);
  }

  private final SandboxSites sites;
  private final Duration pace;
  private final Hold hold;
  private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

  SampleData(SandboxSites sites, Duration pace, Hold hold) {
    this.sites = sites;
    this.pace = pace;
    this.hold = hold;
  }

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
  public Outputs apply(Params p, StepContext ctx) {
    boolean failThisTime = ctx.tenant().displayName().contains(FAIL_MARKER)
        && failedOnce.add(ctx.tenant().id() + "/" + ctx.environment().name());
    int failAt = p.records() / 2;
    ctx.progress().report(0, "loading " + p.records() + " sample records");
    hold.beforeLoading(ctx.tenant().id(), ctx.environment().name());
    for (int loaded = 0; loaded < p.records(); ) {
      if (!pace.isZero()) {
        ctx.pause(pace);
      }
      loaded = Math.min(p.records(), loaded + BATCH);
      if (failThisTime && loaded > failAt) {
        throw new PermanentException("SANDBOX: sample data import failed at record " + loaded + " of "
            + p.records() + " (failure injected for company names containing \"" + FAIL_MARKER
            + "\", first attempt only) - press Retry");
      }
      ctx.progress().report(loaded * 100 / p.records(), "loaded " + loaded + " of " + p.records() + " sample records");
    }
    if (!sites.sampleData(p.site(), p.records())) {
      throw new PermanentException("SANDBOX: no site is served at " + p.site());
    }
    return new Outputs(p.site(), p.records());
  }

  @Override
  public void compensate(Params p, Outputs outputs, StepContext ctx) {
    sites.sampleData(p.site(), 0);
  }
}
