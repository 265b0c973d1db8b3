package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
  String reason;

  @Option(names = "--idempotency-key", paramLabel = "KEY", description = "The same key again returns the same run"
      + " instead of starting another.")
  String idempotencyKey;

  @Option(names = "--follow", description = "Follow the run to its end; exit code 0 only when it SUCCEEDED.")
  boolean follow;

  @Override
  public Integer call() {
    ObjectNode body = Json.object();
    ProvisionCommand.putIfSet(body, "reason", reason);
    ApiClient.Reply reply = cli.api().post(ApiClient.path("tenants", tenant, "environments", environment, "retry"),
        body, idempotencyKey);
    return Started.report(cli, reply, follow);
  }
}
