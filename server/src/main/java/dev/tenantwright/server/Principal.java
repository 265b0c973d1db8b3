package dev.tenantwright.server;

/**
 * Who a request acts as: the token's name (recorded as the actor of what it starts) and what it may do — everything
 * ({@code admin}) or reading one tenant ({@code tenant}).
 *
 * @param tokenId the token's id
 * @param name the token's name, the actor in the journal
 * @param admin whether it may do everything
 * @param tenantId for a tenant token, the one tenant it may read; null for admin
 * @param ratePerMinute its request budget
 */
record Principal(String tokenId, String name, boolean admin, String tenantId, int ratePerMinute) {

  /** Whether it may read the tenant's objects. */
  boolean mayRead(String tenant) {
    return admin || tenantId.equals(tenant);
  }
}
