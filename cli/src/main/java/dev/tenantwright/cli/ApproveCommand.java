package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code approve ID --reason R}: approves a request, which starts the run it holds. */
@Command(name = "approve", description = {"Approve a request: the change it holds runs now, the approver and reason"
    + " recorded.", "With two-person approval the approver must be another token than the requester's."})
final class ApproveCommand implements Callable<Integer> {

  @ParentCommand
  TenantwrightCli cli;

  @Parameters(paramLabel = "APPROVAL_ID")
  String approval;

  @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why it may run.")
  String reason;

  @Option(names = "--follow", description = "Follow the run it starts to its end; exit code 0 only when it"
      + " SUCCEEDED.")
  boolean follow;

  @Override
  public Integer call() {
    ApiClient.Reply reply = cli.api().post(ApiClient.path("approvals", approval, "approve"),
        Json.object().put("reason", reason), null);
    JsonNode decided = reply.json();
    if (cli.json()) {
      cli.printer().json(reply.body());
    } else {
      cli.printer().approval(decided);
    }
    String run = Json.text(decided, "run");
    return follow && run != null ? Follow.run(cli, run, 0) : TenantwrightCli.OK;
  }
}
