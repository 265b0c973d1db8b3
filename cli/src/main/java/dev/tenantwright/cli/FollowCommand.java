package dev.tenantwright.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code follow RUN_ID}: the run's progress live, to its end; exit code 0 only when it SUCCEEDED. */
@Command(name = "follow", description = {"Show a run's progress live, from its start to its end; a dropped"
    + " connection is resumed after the last event received.",
    "Exit code 0 when the run SUCCEEDED, 1 when it ended otherwise."})
final class FollowCommand implements Callable<Integer> {

  @ParentCommand
  TenantwrightCli cli;

  @Parameters(paramLabel = "RUN_ID")
  String runId;

  @Option(names = "--after", paramLabel = "EVENT_ID", defaultValue = "0",
      description = "Start after this event id (as --json prints them) instead of at the run's start.")
  long after;

  @Override
  public Integer call() {
    return Follow.run(cli, runId, after);
  }
}
