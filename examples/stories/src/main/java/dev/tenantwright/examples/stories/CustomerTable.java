package dev.tenantwright.examples.stories;

import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's own step {@code host.register-tenant} of the "ERP site per signup" story: it writes the new site's URL
 * and API keys into the host's customer table (a map here), and removes the row again when the run rolls back.
 * Thread-safe.
 */
final class CustomerTable implements ProvisioningStep<CustomerTable.Params, CustomerTable.Row> {

  /** What the blueprint passes: the site and its API keys. */
  public record Params(String url, String apiKey, Secret apiSecret) {}

  /** The row's id in the host's table. */
  public record Row(String customerId) {}

  private final Map<String, Params> rows = new ConcurrentHashMap<>();

  @Override
  public String type() {
    return "host.register-tenant";
  }

  @Override
  public Class<Params> parametersType() {
    return Params.class;
  }

  @Override
  public Class<Row> outputType() {
    return Row.class;
  }

  @Override
  public Row apply(Params parameters, StepContext ctx) {
    if (parameters.apiKey() == null || parameters.apiKey().isBlank()) {
      throw new PermanentException("the site of " + ctx.tenant().id() + " came without an API key");
    }
    rows.put(ctx.tenant().id(), parameters);
    return new Row("cust-" + ctx.tenant().id());
  }

  @Override
  public void compensate(Params parameters, Row outputs, StepContext ctx) {
    rows.remove(ctx.tenant().id());
  }

  /** What the table holds for a tenant. */
  Optional<Params> row(String tenantId) {
    return Optional.ofNullable(rows.get(tenantId));
  }
}
