package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.plugin.frappe.FrappeConfig;
import dev.tenantwright.spi.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs bench as a local process whose working directory is the bench directory: {@code [flock ...] [timeout ...]
 * bench ARGS...} ({@link HostProcess}).
 *
 * <p>bench takes the database root password and the Administrator password only as options (otherwise it prompts
 * on a terminal, which automation does not have). A command with secrets therefore runs as
 * {@code sh -c 'IFS= read -r tw_secret_1 && exec ... "$tw_secret_1"'} with the secrets on stdin
 * ({@link StdinScript}): they are in no argv this process starts, only in bench's own once the shell has exec'd it.
 */
final class LocalTransport implements Transport {

  private final FrappeConfig config;

  LocalTransport(FrappeConfig config) {
    this.config = config;
  }

  @Override
  public Command command(BenchCommand bench, Duration timeout) {
    List<Object> words = HostProcess.words(config, bench, timeout);
    Command.Builder b;
    if (StdinScript.hasSecrets(words)) {
      StdinScript s = StdinScript.of(words, null);
      b = Command.builder("sh", "-c", s.script()).stdin(s.stdin());
    } else {
      b = Command.builder((String) words.get(0));
      for (Object w : words.subList(1, words.size())) {
        b.arg((String) w);
      }
    }
    return b.workingDir(Path.of(config.benchDir())).timeout(timeout).build();
  }

  @Override
  public String name() {
    return FrappeConfig.LOCAL;
  }
}
