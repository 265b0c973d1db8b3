package dev.tenantwright.core;

/**
 * What one pruning pass removed from the journal ({@link Tenantwright#prune()}, or the background pruner that
 * {@link Tenantwright.Builder#retention} starts). Counts are of rows this engine deleted: when several engines prune
 * the same journal at once, each counts only its own deletions.
 *
 * @param runs finished runs whose run row was removed
 * @param steps step rows of those runs (their checkpoints go with them)
 * @param events progress events removed; the audit trail is never among them
 * @param deliveries delivered or given-up status webhook deliveries removed
 * @param fleetOperations finished fleet operations removed, each with its report
 */
public record PruneResult(int runs, int steps, int events, int deliveries, int fleetOperations) {}
