package dev.tenantwright.testkit.incus;

import java.util.List;
import java.util.Map;

/**
 * A copy of one instance held by an {@link IncusFake}, for assertions.
 *
 * @param project the project it lives in
 * @param name its name
 * @param status {@code Running}, {@code Stopped} or {@code Frozen}
 * @param config its own configuration keys (the ownership marker, {@code environment.*}, limits ...)
 * @param devices its own devices (proxy devices among them), without its profiles' devices
 * @param profiles its profiles
 * @param snapshots the names of its snapshots, oldest first
 * @param files its file system as the fake models it, path to content
 * @param ipv4 its address on the bridge once it has started, else null
 */
public record InstanceView(
    String project,
    String name,
    String status,
    Map<String, String> config,
    Map<String, Map<String, String>> devices,
    List<String> profiles,
    List<String> snapshots,
    Map<String, String> files,
    String ipv4) {

  /** Whether it is running. */
  public boolean running() {
    return "Running".equals(status);
  }
}
