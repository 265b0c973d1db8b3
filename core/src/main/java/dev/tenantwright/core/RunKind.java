package dev.tenantwright.core;

/** What a {@link Run} does to its environment. */
public enum RunKind {
  /** Create the environment's resources from its blueprint. */
  PROVISION,
  /** Bring existing resources in line with a changed blueprint or parameters. */
  UPDATE,
  /** Return the environment to its clean provisioned state. */
  RESET,
  /** Copy a tested instance's configuration onto live (an update of live; data never moves). */
  PROMOTE,
  /** Deploy again, e.g. on a signed webhook. */
  REDEPLOY,
  /** Delete every resource the environment created. */
  DESTROY,
  /**
   * Read every resource from its backend and report what drifted from the journal — in sync, changed (naming the
   * fields) or gone — without changing anything; see {@link Environments#refresh} and {@link DriftReport}.
   */
  REFRESH,
  /**
   * Bring a drifted environment back to its blueprint from the findings of its latest refresh: recreate what is gone,
   * update (or replace) what changed; adopted objects are reported, never touched. See {@link Environments#repair}.
   */
  REPAIR
}
