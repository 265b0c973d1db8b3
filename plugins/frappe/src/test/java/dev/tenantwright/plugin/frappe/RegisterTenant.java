package dev.tenantwright.plugin.frappe;

import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's own step of the "ERP site per signup" use case: it stores the site's URL and API keys in the host's
 * customer table (a map here), and removes the row again on rollback. {@link #refuse} makes it fail.
 */
public final class RegisterTenant implements ProvisioningStep<RegisterTenant.Params, RegisterTenant.Registered> {

  /** What the blueprint passes. */
  public record Params(String url, String apiKey, Secret apiSecret) {}

  /** The host's customer row id. */
  public record Registered(String customerId) {}

  /** The host's customer table: tenant id to what was registered. */
  public final Map<String, Params> customers = new ConcurrentHashMap<>();

  /** When true, registration fails permanently (the CRM refuses the customer). */
  public volatile boolean refuse;

  @Override
  public String type() {
    return "host.register-tenant";
  }

  @Override
  public Class<Params> parametersType() {
    return Params.class;
  }

  @Override
  public Class<Registered> outputType() {
    return Registered.class;
  }

  @Override
  public Registered apply(Params parameters, StepContext ctx) {
    if (refuse) {
      throw new PermanentException("the CRM refused to register tenant " + ctx.tenant().id());
    }
    customers.put(ctx.tenant().id(), parameters);
    return new Registered("cust-" + ctx.tenant().id());
  }

  @Override
  public void compensate(Params parameters, Registered outputs, StepContext ctx) {
    customers.remove(ctx.tenant().id());
  }
}
