package dev.tenantwright.core;

/** What an {@link Event} reports. */
public enum EventType {
  TENANT_CREATED,
  TENANT_SUSPENDED,
  TENANT_RESUMED,
  TENANT_DELETING,
  TENANT_DELETED,
  /** The tenant's plan changed (upgrade or downgrade). */
  TENANT_PLAN_CHANGED,
  POLICY_REFUSED,
  /** A tenant proved it owns a custom domain. */
  DOMAIN_VERIFIED,
  RUN_QUEUED,
  RUN_STARTED,
  STEP_STARTED,
  STEP_PROGRESS,
  STEP_RETRYING,
  STEP_IN_DOUBT,
  STEP_SUCCEEDED,
  STEP_FAILED,
  STEP_SKIPPED,
  STEP_COMPENSATING,
  STEP_COMPENSATED,
  STEP_COMPENSATION_FAILED,
  RUN_ROLLING_BACK,
  RUN_CANCELLING,
  /** No engine can resume the run now (its blueprint or a plugin is missing); an operator may force-fail it. */
  RUN_STALLED,
  RUN_SUCCEEDED,
  RUN_ROLLED_BACK,
  RUN_FAILED,
  /** A refresh found a resource changed or gone outside Tenantwright; the message names the fields, never values. */
  DRIFT_FOUND,
  /** An environment was pinned to a blueprint version, or unpinned. */
  ENVIRONMENT_PINNED
}
