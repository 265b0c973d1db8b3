package dev.tenantwright.testkit.incus;

import java.util.List;
import java.util.Map;

/**
 * One command an {@link IncusFake} was asked to run through {@code POST /1.0/instances/{name}/exec}.
 *
 * @param project the instance's project
 * @param instance the instance's name
 * @param command the argv as sent
 * @param environment the environment the command sees: the instance's {@code environment.*} config
 *     overlaid with the request's own {@code environment}
 * @param requestEnvironment only the variables the request itself sent
 * @param cwd the requested working directory, or null
 * @param user the requested uid, or null
 * @param group the requested gid, or null
 */
public record ExecCall(
    String project,
    String instance,
    List<String> command,
    Map<String, String> environment,
    Map<String, String> requestEnvironment,
    String cwd,
    Integer user,
    Integer group) {

  /** Copies the collections. */
  public ExecCall {
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
    requestEnvironment = Map.copyOf(requestEnvironment);
  }

  /** The program, {@code command().get(0)}. */
  public String program() {
    return command.get(0);
  }

  /** The program's file name without its directory, e.g. {@code touch} for {@code /bin/touch}. */
  public String programName() {
    String p = program();
    return p.substring(p.lastIndexOf('/') + 1);
  }
}
