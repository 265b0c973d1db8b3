package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code destroy TENANT ENVIRONMENT}: destroys an environment. On live the server files an approval request
 * instead, which an admin decides with {@code approve} or {@code reject}.
 */
@Command(name = "destroy", description = {"Destroy an environment.",
    "On live the server files an approval request instead: nothing is destroyed until an admin approves it."})
final class DestroyCommand implements Callable<Integer> {

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
    ObjectNode body = start.withReason(Json.object());
    ApiClient.Reply reply = cli.api().delete(ApiClient.path("tenants", tenant, "environments", environment),
        body.isEmpty() ? null : body, start.idempotencyKey);
    return start.report(cli, reply);
  }
}
