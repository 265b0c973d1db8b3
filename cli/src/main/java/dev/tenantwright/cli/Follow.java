package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.cli.internal.Printer;
import dev.tenantwright.cli.internal.RunFollower;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a run live, for {@code follow} and every command's {@code --follow}: one progress line per event (with
 * {@code --json} the event's JSON), a note on the error stream when the stream is lost and resumed, then how the run
 * ended; the exit code says whether it SUCCEEDED.
 */
final class Follow {

  private Follow() {}

  static int run(TenantwrightCli cli, String runId, long afterId) {
    Printer printer = cli.printer();
    PrintWriter err = cli.err();
    RunFollower.Outcome outcome = cli.follower().follow(runId, afterId, new RunFollower.Listener() {
      @Override
      public void event(JsonNode event) {
        if (cli.json()) {
          printer.json(event.toString());
        } else {
          printer.event(event);
        }
      }

      @Override
      public void reconnecting(long after, int attempt, int attempts, String why) {
        synchronized (err) {
          err.println(String.format(Locale.ROOT, "event stream lost (%s); resuming after event %d (attempt %d of %d)",
              why, after, attempt, attempts));
          err.flush();
        }
      }
    });
    if (cli.json()) {
      printer.json(outcome.run().toString());
    } else {
      printer.outcome(outcome.run());
    }
    return outcome.succeeded() ? TenantwrightCli.OK : TenantwrightCli.RUN_NOT_SUCCEEDED;
  }
}
