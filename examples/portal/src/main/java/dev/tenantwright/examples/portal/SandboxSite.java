package dev.tenantwright.examples.portal;

import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;

/** The {@code sandbox.site} step: serves the environment's site from {@link SandboxSites}; undo stops it. */
final class SandboxSite implements ProvisioningStep<SandboxSite.Params, SandboxSite.Outputs> {

  static final String TYPE = "sandbox.site";

  /** Where and what to serve; the sandbox only checks that an admin password was generated. */
  public record Params(int port, String title, Secret adminPassword) {}

  /** The site's address, and what {@link SandboxSites#restore} needs to serve it again. */
  public record Outputs(String url, int port, String title) {}

  private final SandboxSites sites;

  SandboxSite(SandboxSites sites) {
    this.sites = sites;
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
    if (p.adminPassword() == null) {
      throw new PermanentException("SANDBOX: the site needs an admin password");
    }
    ctx.progress().report(30, "starting the sandbox web server on 127.0.0.1:" + p.port());
    String url = sites.start(p.port(), p.title(), ctx.environment().name());
    return new Outputs(url, p.port(), p.title());
  }

  @Override
  public void compensate(Params p, Outputs outputs, StepContext ctx) {
    sites.stop(p.port());
  }
}
