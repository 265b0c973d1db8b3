package dev.tenantwright.core;

/** What a step does to its resource; a {@link Plan} lists one per resource before anything runs. */
public enum StepAction {
  /** The resource does not exist yet: create it. */
  CREATE,
  /** The resource exists with another spec and its type can update in place. */
  UPDATE,
  /** The resource exists with another spec and its type cannot update: delete, then create. */
  REPLACE,
  /** The resource exists and is no longer wanted (or the environment is destroyed). */
  DELETE,
  /** Restore the resource's clean baseline. */
  RESET,
  /** Promote a test instance's object onto live with the type's own promotion (e.g. a tested deployment). */
  PROMOTE,
  /** Nothing to do: the recorded spec matches. */
  NOOP,
  /** Read the object from its backend and compare it with what the journal recorded (a {@link RunKind#REFRESH}). */
  READ
}
