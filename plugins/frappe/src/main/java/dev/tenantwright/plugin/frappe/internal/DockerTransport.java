package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.plugin.frappe.FrappeConfig;
import dev.tenantwright.spi.Command;
import java.time.Duration;

/**
 * Runs {@code docker exec -i -w BENCH_DIR CONTAINER bench ARGS...}, as the Frappe Press agent does.
 *
 * <p>Secrets are secret argv elements of the {@code docker} process, exactly as with the local transport; docker
 * hands the remaining argv to the container's process unchanged, without a shell.
 */
final class DockerTransport implements Transport {

  private final FrappeConfig config;

  DockerTransport(FrappeConfig config) {
    this.config = config;
  }

  @Override
  public Command command(BenchCommand bench, Duration timeout) {
    Command.Builder b = Command.builder(config.dockerCommand(), "exec", "-i", "-w", config.benchDir(),
        config.container(), config.benchCommand());
    Arguments.append(b, bench);
    return b.timeout(timeout).build();
  }

  @Override
  public String name() {
    return FrappeConfig.DOCKER;
  }
}
