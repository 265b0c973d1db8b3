package dev.tenantwright.core.internal.engine;

import dev.tenantwright.spi.StepContext;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a step attempt's {@linkplain StepContext#checkpoint(String, String) checkpoints} go: the journal, fenced by
 * the run's lease, for a step the engine runs; nowhere for a context made outside a run.
 *
 * <p>Public (but internal) so that the test kit checks names and values by the engine's rules.
 */
public interface StepCheckpoints {

  /** Records {@code value} under {@code name} (both already checked). */
  void record(String name, String value);

  /** The value recorded under {@code name} by any attempt of the step in its run. */
  Optional<String> read(String name);

  /** For contexts outside a run's step (a promotion's health read, the conformance kit's direct calls). */
  StepCheckpoints NONE = new StepCheckpoints() {
    @Override
    public void record(String name, String value) {
      throw new UnsupportedOperationException("checkpoints are recorded only by a step of a run");
    }

    @Override
    public Optional<String> read(String name) {
      throw new UnsupportedOperationException("checkpoints are recorded only by a step of a run");
    }
  };

  /** Refuses a name outside {@code [a-z0-9][a-z0-9.-]*} of at most {@link StepContext#CHECKPOINT_NAME_MAX}. */
  static String checkName(String name) {
    if (name == null || name.length() > StepContext.CHECKPOINT_NAME_MAX || !Rules.NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a checkpoint name is 1 to " + StepContext.CHECKPOINT_NAME_MAX
          + " characters of [a-z0-9.-] starting with a letter or digit, but was "
          + (name == null ? "null" : "'" + (name.length() > 60 ? name.substring(0, 60) + "…" : name) + "'"));
    }
    return name;
  }

  /**
   * Refuses a null value, one longer than {@link StepContext#CHECKPOINT_VALUE_MAX}, or one with control characters
   * other than tab, CR and LF. The message never quotes the value.
   */
  static String checkValue(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException("checkpoint '" + name + "': the value must not be null");
    }
    if (value.length() > StepContext.CHECKPOINT_VALUE_MAX) {
      throw new IllegalArgumentException("checkpoint '" + name + "': the value has " + value.length()
          + " characters, at most " + StepContext.CHECKPOINT_VALUE_MAX + " are kept");
    }
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (Character.isISOControl(ch) && ch != '\t' && ch != '\n' && ch != '\r') {
        throw new IllegalArgumentException("checkpoint '" + name + "': the value holds a control character at "
            + i + "; checkpoints are plain text");
      }
    }
    return value;
  }

  /** Holds the compiled rule (an interface's fields are public). */
  final class Rules {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");

    private Rules() {}
  }
}
