package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail and the approver.")
  String reason;

  @Option(names = "--idempotency-key", paramLabel = "KEY", description = "The same key again returns the same run"
      + " (or approval request) instead of another.")
  String idempotencyKey;

  @Option(names = "--follow", description = "Follow the run to its end; exit code 0 only when it SUCCEEDED.")
  boolean follow;

  @Override
  public Integer call() {
    ObjectNode body = Json.object();
    ProvisionCommand.putIfSet(body, "reason", reason);
    ApiClient.Reply reply = cli.api().delete(ApiClient.path("tenants", tenant, "environments", environment),
        body.isEmpty() ? null : body, idempotencyKey);
    return Started.report(cli, reply, follow);
  }
}
