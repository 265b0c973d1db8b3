package dev.tenantwright.cli;

import dev.tenantwright.cli.internal.ApiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code status TENANT ENVIRONMENT}: an environment's state, last run, running steps, last error, resources. */
@Command(name = "status", description = "Show an environment: its state, last run, running steps, last error and"
    + " resources (secret outputs come masked).")
final class StatusCommand implements Callable<Integer> {

  @ParentCommand
  TenantwrightCli cli;

  @Parameters(index = "0", paramLabel = "TENANT")
  String tenant;

  @Parameters(index = "1", paramLabel = "ENVIRONMENT", description = "e.g. demo, live, test-checkout.")
  String environment;

  @Override
  public Integer call() {
    ApiClient.Reply reply = cli.api().get(ApiClient.path("tenants", tenant, "environments", environment));
    if (cli.json()) {
      cli.printer().json(reply.body());
    } else {
      cli.printer().environment(reply.json());
    }
    return TenantwrightCli.OK;
  }
}
