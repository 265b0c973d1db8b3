package dev.tenantwright.core;

/** What a {@link RunKind#REFRESH refresh} found for one resource. */
public enum DriftStatus {
  /** The object exists and its outputs are what the journal recorded. */
  IN_SYNC,
  /** The object exists but some outputs differ from what the journal recorded (the report names them). */
  CHANGED,
  /** The object no longer exists in its backend. */
  GONE
}
