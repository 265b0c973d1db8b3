package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.plugin.frappe.FrappeConfig;
import dev.tenantwright.spi.Command;
import java.time.Duration;

/**
 * Where {@code bench} runs: turns a {@link BenchCommand} into the argv list that reaches it.
 *
 * <p>Three implementations, picked by {@link FrappeConfig#transport()}: a local process in the bench directory,
 * {@code docker exec} into a container, and {@code ssh} to another host. Each runs the same {@link HostProcess}
 * (bench, guarded by {@code flock} and {@code timeout}) and hands secrets over stdin to a {@link StdinScript}, so
 * that they never appear in an argv it starts, a description, a log line or a recorded argv. Stateless;
 * thread-safe.
 */
public interface Transport {

  /** The transport the configuration asks for. */
  static Transport of(FrappeConfig config) {
    return switch (config.transport()) {
      case FrappeConfig.DOCKER -> new DockerTransport(config);
      case FrappeConfig.SSH -> new SshTransport(config);
      default -> new LocalTransport(config);
    };
  }

  /** The process to run for {@code bench}, killed after {@code timeout}. */
  Command command(BenchCommand bench, Duration timeout);

  /** A short name for messages: {@code local}, {@code docker} or {@code ssh}. */
  String name();
}
