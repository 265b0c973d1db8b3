package dev.tenantwright.plugin.incus;

import dev.tenantwright.plugin.incus.InstanceSpec.InitCommand;
import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an {@code incus.exec} should run: argv commands in an instance another resource of the same environment
 * made, e.g. sample data loaded into a demo's ERP only.
 *
 * <pre>{@code
 * sample-data:
 *   type: incus.exec
 *   kinds: [demo]
 *   params:
 *     instance: ${erp.name}
 *     commands:
 *       - command: [/opt/erp/bin/load-sample-data, --records, "25"]
 *     undo:
 *       - command: [/opt/erp/bin/delete-sample-data]
 * }</pre>
 *
 * <p>Immutable; the lists and the map are copies. Every field is checked when the spec is bound, with a
 * message naming it.
 *
 * @param instance the instance to run in, normally {@code ${<resource>.name}} of an {@code incus.instance} (which
 *     also makes this resource wait for it); it must be an instance of the same tenant environment
 * @param commands run in order, each as an {@code incus.instance} init command ({@code command}, {@code
 *     environment}, {@code cwd}, {@code user}, {@code group}); at least one
 * @param undo run in order when the resource is deleted or its commands are replaced by others, to take back
 *     what {@code commands} did; none by default (deleting the instance takes everything with it anyway)
 * @param secrets secret variables passed to every command and undo command; never stored in the instance
 */
public record ExecSpec(
    String instance,
    List<InitCommand> commands,
    @Nullable List<InitCommand> undo,
    @Nullable Map<String, Secret> secrets) {

  /** Validates every field and copies the collections. */
  public ExecSpec {
    try {
      Names.incusInstance("instance", instance);
    } catch (PermanentException e) {
      throw new PermanentException("incus.exec, " + e.getMessage());
    }
    if (commands == null || commands.isEmpty()) {
      throw invalid("commands", "name at least one command to run");
    }
    commands = copy("commands", commands);
    undo = undo == null ? List.of() : copy("undo", undo);
    secrets = secrets == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    for (Map.Entry<String, Secret> e : secrets.entrySet()) {
      if (e.getKey() == null || !e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw invalid("secrets", "\"" + e.getKey() + "\" is not a valid environment variable name");
      }
      if (e.getValue() == null) {
        throw invalid("secrets." + e.getKey(), "must not be null");
      }
    }
  }

  /** Every value that must not appear in a message: the secrets and the commands' variable values. */
  List<String> sensitiveValues() {
    List<String> out = new ArrayList<>();
    secrets.values().forEach(s -> out.add(s.reveal()));
    for (InitCommand c : commands) {
      out.addAll(c.environment().values());
    }
    for (InitCommand c : undo) {
      out.addAll(c.environment().values());
    }
    return out;
  }

  private static List<InitCommand> copy(String field, List<InitCommand> commands) {
    for (InitCommand c : commands) {
      if (c == null) {
        throw invalid(field, "must not contain null");
      }
    }
    return List.copyOf(commands);
  }

  private static PermanentException invalid(String field, String why) {
    return new PermanentException("incus.exec, field '" + field + "': " + why);
  }
}
