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
  DESTROY
}
