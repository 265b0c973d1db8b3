package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import java.util.List;
import java.util.Map;

/**
 * What a run was started with, stored (secrets sealed) in the run row so that a resumed run executes the
 * same plan even if blueprints changed in between.
 *
 * @param blueprint the blueprint name
 * @param vars the environment's variables for this run (blueprint defaults overlaid with supplied values)
 * @param actor who started the run, or null
 * @param reason why, or null
 * @param waits per step, the steps it waits for
 * @param hashes per step, the planned spec hash
 * @param previous per step, the resource row as it was before the run (to revert or delete on rollback)
 * @param source for a promotion: the environment whose configuration is promoted, else null
 * @param previousBlueprint the environment's blueprint before this run, or null for a new environment
 * @param previousVars the environment's variables before this run (to resolve old specs, and to restore on rollback)
 * @param sourceRows for a promotion: the source environment's resource rows, by name
 * @param previousState the environment's state before this run (restored by a clean rollback), or null for a
 *     new environment
 * @param request a keyed hash of what the caller asked for (kind, environment, blueprint, parameters, source), so
 *     that an idempotency key used again with a different request is refused; null in older journal rows
 */
record RunSpec(
    String blueprint,
    Map<String, Object> vars,
    String actor,
    String reason,
    Map<String, List<String>> waits,
    Map<String, String> hashes,
    Map<String, ResourceRecord> previous,
    String source,
    String previousBlueprint,
    Map<String, Object> previousVars,
    Map<String, ResourceRecord> sourceRows,
    EnvironmentState previousState,
    String request) {

  /** Older journal rows have no previous vars or source rows. */
  RunSpec {
    previousVars = previousVars == null ? Map.of() : previousVars;
    sourceRows = sourceRows == null ? Map.of() : sourceRows;
  }
}
