package dev.tenantwright.spi;

import org.pf4j.ExtensionPoint;

/**
 * An action that owns no backend object but belongs in a provisioning run — registering the tenant in the
 * host's own database, generating site content, sending the welcome e-mail — journaled, retried and
 * compensated exactly like a resource step, and named in blueprints like a resource type.
 *
 * <p>{@link #compensate} is armed only after {@link #apply} succeeded, and runs when a later step fails.
 * Both must tolerate being called again after a crash. Implementations are stateless and thread-safe.
 *
 * <pre>{@code
 * public final class RegisterTenant implements ProvisioningStep<RegisterTenant.Params, RegisterTenant.Out> {
 *   public record Params(String plan) {}
 *   public record Out(long customerRow) {}
 *   public String type() { return "host.register-tenant"; }
 *   public Class<Params> parametersType() { return Params.class; }
 *   public Class<Out> outputType() { return Out.class; }
 *   public Out apply(Params p, StepContext ctx) { return new Out(db.upsertCustomer(ctx.tenant(), p.plan())); }
 *   public void compensate(Params p, Out out, StepContext ctx) { db.deleteCustomer(out.customerRow()); }
 * }
 * }</pre>
 *
 * @param <P> the parameter record, bound from the blueprint
 * @param <O> the output record, stored in the journal
 */
public interface ProvisioningStep<P, O> extends ExtensionPoint {

  /** The name blueprints use for this step, e.g. {@code host.register-tenant}. */
  String type();

  /** The parameter record class. */
  Class<P> parametersType();

  /** The output record class. */
  Class<O> outputType();

  /**
   * The record this step's configuration section binds to ({@link StepContext#config(Class)}), or null when it
   * needs none; bound and checked when the host builds the instance, as for {@link ResourceType#configType()}.
   */
  default Class<?> configType() {
    return null;
  }

  /** Does the work; must be safe to call again after a crash (use {@link StepContext#idempotencyKey()}). */
  O apply(P parameters, StepContext ctx);

  /** Undoes what {@link #apply} did; undoing something already undone is success. */
  void compensate(P parameters, O outputs, StepContext ctx);
}
