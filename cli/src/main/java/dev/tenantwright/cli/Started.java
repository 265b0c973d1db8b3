package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.Json;
import dev.tenantwright.cli.internal.Printer;

/**
 * Shows what a run-starting request answered — the run it started, or the approval request the server filed when
 * a change to live needs one — and follows the run when asked.
 */
final class Started {

  private Started() {}

  /** Exit code: the followed run's, else {@link TenantwrightCli#OK} (the request was accepted). */
  static int report(TenantwrightCli cli, ApiClient.Reply reply, boolean follow) {
    JsonNode answer = reply.json();
    Printer printer = cli.printer();
    String id = Json.text(answer, "id");
    boolean run = "run".equals(Json.text(answer, "object"));
    if (cli.json()) {
      printer.json(reply.body());
    } else if (run) {
      printer.line(String.format("run %s started: %s %s/%s", id, Json.text(answer, "kind"),
          Json.text(answer, "tenant"), Json.text(answer, "environment")));
      if (!follow) {
        printer.line("follow it with: tenantwright follow " + id);
      }
    } else if ("approval".equals(Json.text(answer, "object"))) {
      printer.approval(answer);
      printer.line("nothing runs until an admin decides: tenantwright approve " + id + " --reason \"...\"");
    } else {
      printer.json(reply.body());
    }
    return run && follow ? Follow.run(cli, id, 0) : TenantwrightCli.OK;
  }
}
