package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.cli.internal.ApiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code tenant ID}: a tenant and its environments. */
@Command(name = "tenant", description = "Show a tenant and its environments (with --json: the tenant with an"
    + " 'environments' array).")
final class TenantCommand implements Callable<Integer> {

  @ParentCommand
  TenantwrightCli cli;

  @Parameters(paramLabel = "TENANT", description = "The tenant's id, e.g. acme-corp.")
  String tenant;

  @Override
  public Integer call() {
    ApiClient api = cli.api();
    JsonNode t = api.get(ApiClient.path("tenants", tenant)).json();
    JsonNode environments = api.get(ApiClient.path("tenants", tenant, "environments")).json().path("items");
    if (cli.json()) {
      ((ObjectNode) t).set("environments", environments);
      cli.printer().json(t.toString());
    } else {
      cli.printer().tenant(t, environments);
    }
    return TenantwrightCli.OK;
  }
}
