package dev.tenantwright.examples.stories;

import dev.tenantwright.core.Run;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The failure a {@link Story} shows: a fault injected into one of the sandbox's backends, and the run that meets
 * it. The runner records what the fakes hold first, injects the fault, waits for the run, takes the fault away
 * again, and then expects the run {@code ROLLED_BACK} with nothing new left in any fake; then the story checks
 * what else it wants to show ({@code verify}), e.g. that no mail went out, which the sandbox-wide check leaves
 * out because a sent message cannot be unsent.
 *
 * @param title what goes wrong, one line
 * @param inject injects the fault; returns what takes it away again
 * @param start starts the run that meets the fault (the runner waits for it)
 * @param verify says and {@link StoryContext#expect expects} what the story shows of the ended run; runs after the
 *     runner's own checks
 */
public record Failure(String title, Function<Sandbox, Runnable> inject, Function<StoryContext, Run> start,
    BiConsumer<StoryContext, Run> verify) {

  /** Checks all are given. */
  public Failure {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(inject, "inject");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(verify, "verify");
  }

  /** A failure whose story checks nothing beyond the runner's checks. */
  public Failure(String title, Function<Sandbox, Runnable> inject, Function<StoryContext, Run> start) {
    this(title, inject, start, (ctx, run) -> { });
  }
}
