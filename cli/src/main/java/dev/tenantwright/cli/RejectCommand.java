package dev.tenantwright.cli;

import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code reject ID --reason R}: rejects a request; nothing runs. */
@Command(name = "reject", description = "Reject a request: nothing runs, the decision and reason recorded.")
final class RejectCommand implements Callable<Integer> {

  @ParentCommand
  TenantwrightCli cli;

  @Parameters(paramLabel = "APPROVAL_ID")
  String approval;

  @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why it may not run.")
  String reason;

  @Override
  public Integer call() {
    ApiClient.Reply reply = cli.api().post(ApiClient.path("approvals", approval, "reject"),
        Json.object().put("reason", reason), null);
    if (cli.json()) {
      cli.printer().json(reply.body());
    } else {
      cli.printer().approval(reply.json());
    }
    return TenantwrightCli.OK;
  }
}
