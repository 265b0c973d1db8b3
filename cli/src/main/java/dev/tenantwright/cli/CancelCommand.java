package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code cancel RUN_ID}: asks the engine running the run to stop it and roll it back. */
@Command(name = "cancel", description = {"Ask the engine running a run, on whichever node, to stop it and roll it"
    + " back.", "A run that has ended already stays as it is; 'follow' shows the rollback."})
final class CancelCommand implements Callable<Integer> {

  @ParentCommand
  TenantwrightCli cli;

  @Parameters(paramLabel = "RUN_ID")
  String runId;

  @Override
  public Integer call() {
    ApiClient.Reply reply = cli.api().post(ApiClient.path("runs", runId, "cancel"), null, null);
    if (cli.json()) {
      cli.printer().json(reply.body());
      return TenantwrightCli.OK;
    }
    JsonNode run = reply.json();
    boolean finished = run.path("finished").asBoolean(false);
    cli.printer().line(String.format("run %s %s: %s %s/%s%s", runId, Json.text(run, "state"), Json.text(run, "kind"),
        Json.text(run, "tenant"), Json.text(run, "environment"), finished ? " (it had ended: nothing to cancel)"
            : " (follow it with: tenantwright follow " + runId + ")"));
    return TenantwrightCli.OK;
  }
}
