package dev.tenantwright.examples.stories;

import java.util.Objects;

/**
 * One step of a {@link Story}: a title and what happens, e.g. "Provision demo and live" or "Promote test-upgrade to
 * live". A scene starts runs through its {@link StoryContext}, waits for them, and says what a person should notice;
 * whatever it expects and does not find is recorded with {@link StoryContext#expect}.
 *
 * @param title what the scene shows, one line
 * @param action what it does
 */
public record Scene(String title, Action action) {

  /** Checks both are given. */
  public Scene {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(action, "action");
  }

  /** What a scene does. */
  @FunctionalInterface
  public interface Action {

    /** Plays the scene against the story's engine and sandbox. */
    void play(StoryContext ctx);
  }
}
