package dev.tenantwright.plugin.vercel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.vercel.internal.DomainConfig;
import dev.tenantwright.plugin.vercel.internal.Ownership;
import dev.tenantwright.plugin.vercel.internal.VercelApi;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import java.time.Duration;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * {@code vercel.domain-check}: waits until Vercel has verified a project's domain and sees it configured — DNS
 * pointing at Vercel, so a certificate can be issued — re-verifying it meanwhile. It makes nothing.
 *
 * <p>A {@code vercel.domain} cannot wait for this itself: the DNS record that configures the domain is made
 * after it, from its outputs ({@code recommendedCNAME}, the TXT challenge), so the check is a resource of its
 * own placed after the record ({@code needs: [dns]}), as a certificate validation follows the records it
 * needs. create reads the domain ({@code GET /v9/projects/{id}/domains/{domain}}; missing is a
 * {@link PermanentException}), asks Vercel to verify it while it is unverified
 * ({@code POST .../verify}, which re-checks the TXT challenge), and reads
 * {@code GET /v6/domains/{domain}/config} until {@code misconfigured} is false, backing off from
 * {@code pollInterval} to {@code maxPollInterval} through {@code ctx.pause} and reporting what is still
 * missing. When the step's deadline comes first it fails with a {@link RetryableException} naming the record
 * to place (DNS may still propagate; give the step a {@code timeout} long enough for it). read reports the
 * domain only while it is verified and configured; delete does nothing.
 *
 * <p>Stateless and thread-safe.
 */
@Extension
public final class VercelDomainCheckType implements ResourceType<DomainCheckSpec, DomainCheckOutputs> {

  @Override
  public String type() {
    return "vercel.domain-check";
  }

  @Override
  public Class<DomainCheckSpec> specType() {
    return DomainCheckSpec.class;
  }

  @Override
  public Class<DomainCheckOutputs> outputType() {
    return DomainCheckOutputs.class;
  }

  /** The {@code vercel} section binds to {@link VercelConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return VercelConfig.class;
  }

  @Override
  public CreateResult<DomainCheckOutputs> create(DomainCheckSpec spec, StepContext ctx) {
    VercelApi api = api(ctx);
    Ownership.Project project = Ownership.requireManagedHere(api, spec.project(), ctx);
    Duration wait = api.config().effectivePollInterval();
    Duration max = api.config().effectiveMaxPollInterval();
    String last = null;
    while (true) {
      JsonNode domain = api.domain(project.id(), spec.name()).orElseThrow(() -> new PermanentException("vercel: domain "
          + spec.name() + " is not on project " + project.name() + "; add it with a vercel.domain resource first"));
      boolean verified = domain.path("verified").asBoolean(false);
      if (!verified) {
        verified = api.verifyDomain(project.id(), spec.name()).map(d -> d.path("verified").asBoolean(false))
            .orElse(false);
      }
      DomainConfig config = DomainConfig.of(api.domainConfig(spec.name(), project.id()));
      if (verified && config.configured()) {
        ctx.progress().report(100, "domain " + spec.name() + " is verified and configured"
            + (config.configuredBy() == null ? "" : " (" + config.configuredBy() + ")"));
        return CreateResult.created(outputs(spec, config));
      }
      String missing = missing(spec, domain, verified, config);
      if (!missing.equals(last)) {
        ctx.progress().report(verified ? 60 : 30, missing);
        last = missing;
      }
      if (ctx.remaining().compareTo(wait) <= 0) {
        throw new RetryableException("vercel: " + missing + "; gave up at the step's deadline (DNS may still be"
            + " propagating: a later retry, or a longer timeout, may pass)", null, false, null);
      }
      ctx.pause(wait);
      Duration next = wait.multipliedBy(2);
      wait = next.compareTo(max) > 0 ? max : next;
    }
  }

  @Override
  public Optional<DomainCheckOutputs> read(DomainCheckSpec spec, DomainCheckOutputs outputs, StepContext ctx) {
    VercelApi api = api(ctx);
    Optional<JsonNode> p = api.project(spec.project());
    if (p.isEmpty()) {
      return Optional.empty();
    }
    String projectId = p.get().path("id").asText();
    Optional<JsonNode> domain = api.domain(projectId, spec.name());
    if (domain.isEmpty() || !domain.get().path("verified").asBoolean(false)) {
      return Optional.empty();
    }
    DomainConfig config = DomainConfig.of(api.domainConfig(spec.name(), projectId));
    return config.configured() ? Optional.of(outputs(spec, config)) : Optional.empty();
  }

  @Override
  public void delete(DomainCheckSpec spec, DomainCheckOutputs outputs, StepContext ctx) {
    // a check makes nothing, so there is nothing to delete
  }

  private static String missing(DomainCheckSpec spec, JsonNode domain, boolean verified, DomainConfig config) {
    StringBuilder m = new StringBuilder("domain " + spec.name());
    if (!verified) {
      JsonNode txt = null;
      for (JsonNode v : domain.path("verification")) {
        if ("TXT".equalsIgnoreCase(v.path("type").asText())) {
          txt = v;
        }
      }
      m.append(" is not verified").append(txt == null ? ""
          : ": Vercel looks for a TXT record " + txt.path("domain").asText() + " = " + txt.path("value").asText());
    }
    if (!config.configured()) {
      m.append(verified ? " is" : ", and").append(" not configured: its DNS should hold ").append(config.advice());
    }
    return m.toString();
  }

  private static DomainCheckOutputs outputs(DomainCheckSpec spec, DomainConfig config) {
    return new DomainCheckOutputs(spec.name(), true, config.configuredBy() == null ? "unknown" : config.configuredBy());
  }

  private static VercelApi api(StepContext ctx) {
    return VercelApi.of(ctx.config(VercelConfig.class)).forStep(ctx);
  }
}
