package dev.tenantwright.examples.stories;

import dev.tenantwright.core.Run;
import java.util.Objects;
import java.util.function.Function;

/**
 * The failure a {@link Story} shows: a fault injected into one of the sandbox's backends, and the run that meets
 * it. The runner records what the fakes hold first, injects the fault, waits for the run, takes the fault away
 * again, and then expects the run {@code ROLLED_BACK} with nothing new left in any fake.
 *
 * @param title what goes wrong, one line
 * @param inject injects the fault; returns what takes it away again
 * @param start starts the run that meets the fault (the runner waits for it)
 */
public record Failure(String title, Function<Sandbox, Runnable> inject, Function<StoryContext, Run> start) {

  /** Checks all are given. */
  public Failure {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(inject, "inject");
    Objects.requireNonNull(start, "start");
  }
}
