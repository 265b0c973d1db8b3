package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.plugin.frappe.FrappeConfig;
import dev.tenantwright.spi.Command;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs {@code bench ARGS...} as a local process whose working directory is the bench directory.
 *
 * <p>bench takes the database root password and the Administrator password only as options (otherwise it
 * prompts on a terminal, which automation does not have), so they travel as secret argv elements: each is one
 * argv element, masked in every description and recorded argv, and never passes through a shell.
 */
final class LocalTransport implements Transport {

  private final FrappeConfig config;

  LocalTransport(FrappeConfig config) {
    this.config = config;
  }

  @Override
  public Command command(BenchCommand bench, Duration timeout) {
    Command.Builder b = Command.builder(config.benchCommand());
    Arguments.append(b, bench);
    return b.workingDir(Path.of(config.benchDir())).timeout(timeout).build();
  }

  @Override
  public String name() {
    return FrappeConfig.LOCAL;
  }
}
