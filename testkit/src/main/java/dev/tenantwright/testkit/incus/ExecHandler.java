package dev.tenantwright.testkit.incus;

import java.util.Map;

/**
 * Decides what a command run in an {@link IncusFake} instance does. It may read and change the instance's
 * file system, a plain map from absolute path to content that snapshots capture and restores bring back.
 *
 * <p>Runs while the fake holds its lock, like any handler: keep it quick and do not call the fake from it.
 *
 * <pre>{@code
 * fake.onExec((call, files) -> call.programName().equals("init-erp")
 *     ? ExecResult.output(3, "", "database locked")
 *     : IncusFake.BUILT_IN.handle(call, files));
 * }</pre>
 */
@FunctionalInterface
public interface ExecHandler {

  /**
   * Runs the command.
   *
   * @param call what was asked
   * @param files the instance's files, path to content; changes persist
   * @return the outcome
   */
  ExecResult handle(ExecCall call, Map<String, String> files);
}
