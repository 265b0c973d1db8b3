package dev.tenantwright.core;

/**
 * The life of an {@link Environment}.
 *
 * <pre>
 * PROVISIONING → READY | FAILED
 * READY → UPDATING → READY
 * READY | FAILED → DESTROYING → DESTROYED
 * FAILED → PROVISIONING        (a retried provisioning)
 * </pre>
 */
public enum EnvironmentState {
  PROVISIONING,
  READY,
  FAILED,
  UPDATING,
  DESTROYING,
  DESTROYED
}
