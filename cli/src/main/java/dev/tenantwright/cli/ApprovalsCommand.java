package dev.tenantwright.cli;

import dev.tenantwright.cli.internal.ApiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code approvals [--state S]}: approval requests, newest first. */
@Command(name = "approvals", description = "List approval requests of changes to live, newest first.")
final class ApprovalsCommand implements Callable<Integer> {

  /** The states of an approval request. */
  enum State { PENDING, APPROVED, REJECTED }

  @ParentCommand
  TenantwrightCli cli;

  @Option(names = "--state", paramLabel = "STATE", description = "Only PENDING, APPROVED or REJECTED ones.")
  State state;

  @Option(names = "--limit", paramLabel = "N", description = "At most N (1 to 500; the server's default 50).")
  Integer limit;

  @Override
  public Integer call() {
    ApiClient.Reply reply = cli.api().get(ApiClient.query("/approvals", "state", state == null ? null : state.name(),
        "limit", limit == null ? null : limit.toString()));
    if (cli.json()) {
      cli.printer().json(reply.body());
    } else {
      cli.printer().approvals(reply.json().path("items"));
    }
    return TenantwrightCli.OK;
  }
}
