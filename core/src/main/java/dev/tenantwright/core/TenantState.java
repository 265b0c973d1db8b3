package dev.tenantwright.core;

/** The life of a {@link Tenant}: {@code ACTIVE ⇄ SUSPENDED → DELETING → DELETED}. */
public enum TenantState {
  ACTIVE,
  SUSPENDED,
  DELETING,
  DELETED
}
