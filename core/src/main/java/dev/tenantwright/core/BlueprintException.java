package dev.tenantwright.core;

import dev.tenantwright.spi.TenantwrightException;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A blueprint that cannot be used: malformed YAML, an unknown key or type, a missing or unknown field, a
 * dangling reference, a dependency cycle, or a required variable nobody supplied.
 *
 * <p>Loading collects every problem before it throws, so one exception lists all of them and a user fixes
 * the blueprint in one pass. Each {@link Problem} names the blueprint source, the resource and the field, and
 * the message lists every problem, one per line:
 *
 * <pre>
 * blueprint 'website.yaml', resource 'web', field 'params.image': required field missing
 * </pre>
 *
 * Nothing was provisioned when this is thrown. Messages never contain secret values.
 */
public final class BlueprintException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  private final List<Problem> problems;

  /**
   * Creates the exception for one or more problems.
   *
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public BlueprintException(List<Problem> problems) {
    this(problems, null);
  }

  /** Creates the exception for one or more problems found while handling {@code cause}. */
  public BlueprintException(List<Problem> problems, Throwable cause) {
    super(describe(problems), cause);
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in the order they were found; never empty. */
  public List<Problem> problems() {
    return problems;
  }

  private static String describe(List<Problem> problems) {
    Objects.requireNonNull(problems, "problems");
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a BlueprintException needs at least one problem");
    }
    if (problems.size() == 1) {
      return problems.get(0).toString();
    }
    StringBuilder sb = new StringBuilder().append(problems.size()).append(" problems");
    String source = problems.get(0).source();
    if (source != null && problems.stream().allMatch(p -> source.equals(p.source()))) {
      sb.append(" in blueprint '").append(source).append('\'');
    }
    sb.append(':');
    for (Problem p : problems) {
      sb.append("\n  ").append(p);
    }
    return sb.toString();
  }

  /**
   * One thing wrong with a blueprint.
   *
   * <p>{@code source}, {@code resource} and {@code field} are null when the problem is not tied to one;
   * {@link #toString()} leaves those parts out.
   *
   * @param source where the blueprint came from: a file name, or {@code builder:<name>}
   * @param resource the resource name, as written, or null for the blueprint as a whole
   * @param field the field path as written in YAML, e.g. {@code params.image}, {@code needs},
   *     {@code vars.domain}; null when the problem concerns the whole resource or blueprint
   * @param message what is wrong, e.g. {@code required field missing}
   */
  public record Problem(String source, String resource, String field, String message) implements Serializable {

    /** Validates that there is a message. */
    public Problem {
      Objects.requireNonNull(message, "message");
    }

    /**
     * The problem as one line: {@code blueprint 'website.yaml', resource 'web', field 'params.image':
     * required field missing}.
     */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      if (source != null) {
        sb.append("blueprint '").append(source).append('\'');
      }
      if (resource != null) {
        sb.append(sb.length() == 0 ? "" : ", ").append("resource '").append(resource).append('\'');
      }
      if (field != null) {
        sb.append(sb.length() == 0 ? "" : ", ").append("field '").append(field).append('\'');
      }
      return sb.length() == 0 ? message : sb.append(": ").append(message).toString();
    }
  }
}
