package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.plugin.frappe.FrappeConfig;
import dev.tenantwright.spi.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs bench on another host: {@code ssh -T -o BatchMode=yes [-o OPT]... [-p PORT] [-i KEY] USER@HOST -- COMMAND}.
 *
 * <p>ssh hands the remote side <em>one</em> string, which the remote user's login shell parses, so
 * {@code COMMAND} is a {@link StdinScript}: {@code cd 'BENCH_DIR' && exec 'flock' ... 'bench' 'ARG'...}, every
 * argument single-quoted ({@link ShellQuoting}). Secrets never enter that string — it would show them in the remote
 * process list's {@code sh -c} line, in audit logs and in our own recorded argv. Instead they are written to ssh's
 * stdin, one per line, and the command string reads them into shell variables first:
 * {@code IFS= read -r tw_secret_1 && cd '...' && exec ... '--admin-password' "$tw_secret_1"}. A double-quoted
 * variable expands to exactly one word and its value is not parsed again, so a secret is inert whatever it
 * contains. A secret that holds a line break cannot be sent this way and is refused with a message naming it.
 */
final class SshTransport implements Transport {

  private final FrappeConfig config;

  SshTransport(FrappeConfig config) {
    this.config = config;
  }

  @Override
  public Command command(BenchCommand bench, Duration timeout) {
    List<String> argv = new ArrayList<>(List.of(config.sshCommand(), "-T", "-o", "BatchMode=yes"));
    for (String o : config.sshOptions()) {
      argv.add("-o");
      argv.add(o);
    }
    if (config.sshPort() != null) {
      argv.add("-p");
      argv.add(String.valueOf(config.sshPort()));
    }
    if (config.sshKey() != null) {
      argv.add("-i");
      argv.add(config.sshKey());
    }
    argv.add(config.sshUser() + "@" + config.sshHost());
    argv.add("--");
    StdinScript script = StdinScript.of(HostProcess.words(config, bench, timeout), config.benchDir());
    argv.add(script.script());
    Command.Builder b = Command.builder(argv.get(0)).args(argv.subList(1, argv.size())).timeout(timeout);
    if (script.stdin() != null) {
      b.stdin(script.stdin());
    }
    return b.build();
  }

  @Override
  public String name() {
    return FrappeConfig.SSH;
  }
}
