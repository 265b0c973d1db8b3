package dev.tenantwright.plugin.incus;

import dev.tenantwright.plugin.incus.InstanceSpec.InitCommand;
import dev.tenantwright.plugin.incus.internal.IncusApi;
import dev.tenantwright.plugin.incus.internal.IncusApi.ExecResult;
import dev.tenantwright.plugin.incus.internal.OperationFailedException;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs argv commands inside an instance through Incus exec, as {@code incus.instance} (its readiness check and
 * init commands) and {@code incus.exec} do: recorded output, a VM's agent waited for, a failed command reported
 * with the masked tail of its output, the output files removed afterwards.
 *
 * <p>Stateless; package-private: an implementation detail of the plugin's types.
 */
final class InstanceCommands {

  private static final Logger LOG = LoggerFactory.getLogger(InstanceCommands.class);
  private static final int MAX_OUTPUT_IN_MESSAGE = 400;
  private static final Duration MAX_AGENT_POLL = Duration.ofSeconds(5);
  /** What Incus says while a VM's agent is not up (driver_qemu.go errQemuAgentOffline). */
  private static final String AGENT_OFFLINE = "VM agent isn't currently running";

  private InstanceCommands() {}

  /**
   * Runs commands in order; each gets its own variables and every secret.
   *
   * @param kind what the commands are called in messages, e.g. {@code init command}
   * @param sensitive every variable value that must not appear in a message
   * @param fromPercent progress reported before the first command; the last one starts before {@code toPercent}
   * @throws PermanentException when a command exits non-zero, naming its number, its program and the code, with
   *     the tail of its output in which every value of {@code sensitive} is masked; the later commands do not run
   */
  static void run(String instance, List<InitCommand> commands, Map<String, Secret> secrets,
      Collection<String> sensitive, String kind, int fromPercent, int toPercent, IncusApi api, StepContext ctx) {
    for (int i = 0; i < commands.size(); i++) {
      InitCommand c = commands.get(i);
      String label = kind + " " + (i + 1) + " of " + commands.size() + " (" + c.command().get(0) + ")";
      ctx.progress().report(fromPercent + (toPercent - fromPercent) * i / commands.size(),
          "running " + label + " in " + instance);
      Map<String, String> env = new LinkedHashMap<>(c.environment());
      for (Map.Entry<String, Secret> s : secrets.entrySet()) {
        env.put(s.getKey(), s.getValue().reveal());
      }
      ExecResult result = execWhenAgentUp(instance, c.command(), env, c.cwd(), c.user(), c.group(),
          label + " in " + instance, api, ctx);
      try {
        if (result.exitCode() != 0) {
          throw new PermanentException("incus: " + label + " in instance " + instance + " exited with code "
              + result.exitCode() + tail(failureOutput(api, result), sensitive, secrets));
        }
      } finally {
        discard(api, result);
      }
    }
  }

  /**
   * Runs a command, waiting for a VM's agent first: until {@code incus-agent} is up in the guest, Incus fails
   * every exec of a VM with "VM agent isn't currently running" (driver_qemu.go getAgentClient), though the VM
   * already runs and has its DHCP address.
   *
   * @throws RetryableException when the agent is not up by the step's deadline (the command did not run)
   */
  static ExecResult execWhenAgentUp(String name, List<String> argv, Map<String, String> env, String cwd,
      Integer user, Integer group, String what, IncusApi api, StepContext ctx) {
    Duration pause = Duration.ofMillis(500);
    while (true) {
      try {
        return api.exec(name, argv, env, cwd, user, group, what, ctx);
      } catch (OperationFailedException e) {
        if (!e.says(AGENT_OFFLINE)) {
          throw e;
        }
        if (ctx.remaining().compareTo(pause) <= 0) {
          throw new RetryableException("incus: " + what + ": " + AGENT_OFFLINE + " by the step's deadline "
              + "(the VM is still booting)", null, false, e);
        }
        LOG.debug("incus: {}: the VM agent is not up yet; waiting {} ms", what, pause.toMillis());
        ctx.pause(pause);
        Duration doubled = pause.multipliedBy(2);
        pause = doubled.compareTo(MAX_AGENT_POLL) > 0 ? MAX_AGENT_POLL : doubled;
      }
    }
  }

  /** What a failed command said: its stderr, or its stdout when stderr is empty. */
  static String failureOutput(IncusApi api, ExecResult result) {
    String output = api.readLog(result.stderrPath());
    return output.isBlank() ? api.readLog(result.stdoutPath()) : output;
  }

  /** Deletes a command's recorded output files. */
  static void discard(IncusApi api, ExecResult result) {
    discard(api, result.stdoutPath());
    discard(api, result.stderrPath());
  }

  private static void discard(IncusApi api, String logPath) {
    try {
      api.deleteLog(logPath);
    } catch (RuntimeException e) {
      // A left-over output file costs a little disk space in the instance's log folder, nothing more.
      LOG.debug("incus: could not delete exec output {}: {}", logPath, e.getMessage());
    }
  }

  /** The end of a failed command's output, {@code ": ..."}, with every sensitive value masked; empty when blank. */
  static String tail(String output, Collection<String> sensitive, Map<String, Secret> secrets) {
    String text = output.strip();
    if (text.isEmpty()) {
      return "";
    }
    List<String> values = new ArrayList<>(sensitive);
    values.sort(Comparator.comparingInt(String::length).reversed());
    List<String> secretValues = new ArrayList<>();
    secrets.values().forEach(s -> secretValues.add(s.reveal()));
    for (String value : values) {
      // Secrets are masked whatever their length; plain values from 3 characters (masking "C" or "1"
      // everywhere would garble the output without protecting anything).
      if (!value.isEmpty() && (value.length() >= 3 || secretValues.contains(value))) {
        text = text.replace(value, Secret.MASK);
      }
    }
    text = text.replaceAll("\\s+", " ");
    if (text.length() > MAX_OUTPUT_IN_MESSAGE) {
      text = "..." + text.substring(text.length() - MAX_OUTPUT_IN_MESSAGE);
    }
    return ": " + text;
  }
}
