package dev.tenantwright.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code tenantwright} commands in this JVM with a given environment, capturing what they print. */
final class Cli {

  /** What a command did: its exit code and what it printed on each stream. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private final Map<String, String> env;

  Cli(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The same with one environment variable set, or removed when {@code value} is null. */
  Cli with(String name, String value) {
    Map<String, String> changed = new HashMap<>(env);
    if (value == null) {
      changed.remove(name);
    } else {
      changed.put(name, value);
    }
    return new Cli(changed);
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TenantwrightCli.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
