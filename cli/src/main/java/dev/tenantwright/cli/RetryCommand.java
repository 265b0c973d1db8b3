package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code retry TENANT ENVIRONMENT}: runs a failed environment's last operation again. */
@Command(name = "retry", description = "Run a failed environment's last operation again.")
final class RetryCommand implements Callable<Integer> {

  @ParentCommand
  TenantwrightCli cli;

  @Parameters(index = "0", paramLabel = "TENANT")
  String tenant;

  @Parameters(index = "1", paramLabel = "ENVIRONMENT")
  String environment;

  @Mixin
  StartOptions start;

  @Override
  public Integer call() {
    ApiClient.Reply reply = cli.api().post(ApiClient.path("tenants", tenant, "environments", environment, "retry"),
        start.withReason(Json.object()), start.idempotencyKey);
    return start.report(cli, reply);
  }
}
