package dev.tenantwright.core.internal.types;

import dev.tenantwright.spi.PermanentException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/** A {@link PortAllocator} in a map, for tests; the journal's is the real one. */
public final class InMemoryPortAllocator implements PortAllocator {

  private final Map<String, Integer> leases = new HashMap<>();
  private final Set<Integer> taken = new HashSet<>();

  @Override
  public synchronized int allocate(String environmentId, String resourceName, int from, int to) {
    String key = environmentId + "#" + resourceName;
    Integer held = leases.get(key);
    if (held != null) {
      return held;
    }
    for (int p = from; p <= to; p++) {
      if (taken.add(p)) {
        leases.put(key, p);
        return p;
      }
    }
    throw new PermanentException("no free port between " + from + " and " + to);
  }

  @Override
  public synchronized void release(String environmentId, String resourceName) {
    Integer held = leases.remove(environmentId + "#" + resourceName);
    if (held != null) {
      taken.remove(held);
    }
  }

  @Override
  public synchronized OptionalInt find(String environmentId, String resourceName) {
    Integer held = leases.get(environmentId + "#" + resourceName);
    return held == null ? OptionalInt.empty() : OptionalInt.of(held);
  }
}
