package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.plugin.frappe.FrappeConfig;
import dev.tenantwright.spi.Command;
import java.time.Duration;
import java.util.List;

/**
 * Runs {@code docker exec -i -w BENCH_DIR CONTAINER [flock ...] [timeout ...] bench ARGS...}, as the Frappe Press agent
 * does ({@link HostProcess} for the guards).
 *
 * <p>A command with secrets runs as {@code docker exec -i ... CONTAINER sh -c 'IFS= read -r tw_secret_1 && exec ...
 * "$tw_secret_1"'} with the secrets on the exec's stdin ({@link StdinScript}). They are then in neither the
 * {@code docker} CLI's argv on this host nor the exec's recorded command, which the Docker daemon shows to anyone
 * with access to the socket ({@code docker events}: moby's {@code daemon/exec.go} logs
 * {@code exec_create: <entrypoint> <args>}; {@code docker exec inspect}).
 */
final class DockerTransport implements Transport {

  private final FrappeConfig config;

  DockerTransport(FrappeConfig config) {
    this.config = config;
  }

  @Override
  public Command command(BenchCommand bench, Duration timeout) {
    Command.Builder b = Command.builder(config.dockerCommand(), "exec", "-i", "-w", config.benchDir(),
        config.container());
    List<Object> words = HostProcess.words(config, bench, timeout);
    if (StdinScript.hasSecrets(words)) {
      StdinScript s = StdinScript.of(words, null);
      b.args(List.of("sh", "-c", s.script())).stdin(s.stdin());
    } else {
      for (Object w : words) {
        b.arg((String) w);
      }
    }
    return b.timeout(timeout).build();
  }

  @Override
  public String name() {
    return FrappeConfig.DOCKER;
  }
}
