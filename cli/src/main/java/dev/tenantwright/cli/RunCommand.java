package dev.tenantwright.cli;

import dev.tenantwright.cli.internal.ApiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code run RUN_ID}: a run with its steps, their states and errors. */
@Command(name = "run", description = "Show a run: its state and each step's action, state, attempts and error.")
final class RunCommand implements Callable<Integer> {

  @ParentCommand
  TenantwrightCli cli;

  @Parameters(paramLabel = "RUN_ID")
  String runId;

  @Override
  public Integer call() {
    ApiClient.Reply reply = cli.api().get(ApiClient.path("runs", runId));
    if (cli.json()) {
      cli.printer().json(reply.body());
    } else {
      cli.printer().run(reply.json());
    }
    return TenantwrightCli.OK;
  }
}
