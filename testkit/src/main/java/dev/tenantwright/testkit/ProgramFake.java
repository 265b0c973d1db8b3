package dev.tenantwright.testkit;

import dev.tenantwright.spi.Command;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A stateful fake of one command-line program — {@code docker}, {@code bench} — that keeps what the
 * real program would create (projects, sites) in memory, answers like it, and shows what is left for leak
 * checks.
 *
 * <p>Register it with {@link CommandRunnerFake#on(ProgramFake)}. The runner calls {@link #handle} for one
 * invocation at a time while holding this object's monitor; {@link #liveObjects()} and any other method
 * that reads the state from test threads must be {@code synchronized}.
 *
 * <pre>{@code
 * final class TouchFake extends ProgramFake {
 *   private final Set<String> files = new TreeSet<>();
 *
 *   TouchFake() {
 *     super("touch");
 *   }
 *
 *   @Override
 *   public ProgramResult handle(Command command) {
 *     files.addAll(args(command));
 *     return ProgramResult.ok("");
 *   }
 *
 *   @Override
 *   public synchronized Collection<String> liveObjects() {
 *     return List.copyOf(files);
 *   }
 * }
 * }</pre>
 */
public abstract class ProgramFake implements ProgramHandler {

  private final String name;

  /** A fake of the program with this name, as it appears in {@code argv[0]} (or its last path element). */
  protected ProgramFake(String name) {
    this.name = Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("a program name is a bare file name: " + name);
    }
  }

  /** The program's name. */
  public final String name() {
    return name;
  }

  /** What still exists, one line per object, for leak checks; empty by default. Must be synchronized. */
  public Collection<String> liveObjects() {
    return List.of();
  }

  /** Forgets all state; called by {@link CommandRunnerFake#reset()}. The default does nothing. */
  public void reset() {}

  /** The arguments after the program, secrets revealed. */
  protected static List<String> args(Command command) {
    List<String> argv = command.argv();
    return argv.subList(1, argv.size());
  }

  @Override
  public String toString() {
    return "ProgramFake[" + name + "]";
  }
}
