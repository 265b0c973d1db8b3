package dev.tenantwright.spi;

/**
 * Receives a step's progress while it runs, e.g. a deployment's build phase.
 *
 * <p>The engine turns reports into progress events (step n of m, percent) and coalesces them so that a
 * chatty step does not flood the journal. Thread-safe; calls are cheap.
 */
@FunctionalInterface
public interface ProgressReporter {

  /**
   * Reports how far the current step has come.
   *
   * @param percent 0 to 100 within this step
   * @param message a short human-readable message, without secret values
   */
  void report(int percent, String message);
}
