package dev.tenantwright.core.internal.net;

import dev.tenantwright.spi.PermanentException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides which addresses a URL taken from a tenant's parameters may reach. By default everything public is
 * allowed and these are refused: loopback, link-local (including the cloud metadata address 169.254.169.254),
 * private (RFC 1918, IPv6 unique local), carrier-grade NAT (100.64/10), the unspecified address, multicast and
 * broadcast — so that a tenant cannot make the engine probe the host's own services or its internal network.
 * Hosts (by name), addresses and CIDR ranges on the allow-list are reachable anyway: a sandbox on 127.0.0.1, a test
 * server.
 *
 * <p>Names are checked after they are resolved, and every address they resolve to must be allowed; clients connect
 * to exactly the addresses checked ({@link #resolve}), so a name cannot be switched to an internal address between
 * the check and the connection. Immutable and thread-safe.
 */
public final class EgressPolicy {

  /** Nothing extra allowed. */
  public static final EgressPolicy DEFAULT = new EgressPolicy(List.of());

  private final Set<String> hosts;
  private final List<byte[][]> ranges;

  /** {@code allowed}: host names, IP addresses or CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}). */
  public EgressPolicy(List<String> allowed) {
    java.util.Set<String> names = new java.util.HashSet<>();
    List<byte[][]> cidrs = new ArrayList<>();
    for (String entry : allowed) {
      String e = entry.strip().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      byte[][] range = parseRange(e);
      if (range != null) {
        cidrs.add(range);
      } else {
        names.add(e.endsWith(".") ? e.substring(0, e.length() - 1) : e);
      }
    }
    this.hosts = Set.copyOf(names);
    this.ranges = List.copyOf(cidrs);
  }

  /**
   * Resolves {@code host} and returns its addresses, or refuses by name when any of them is not allowed.
   *
   * @throws PermanentException naming the host and why (never the internal address it resolved to)
   * @throws UnknownHostException when it does not resolve
   */
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    String h = host.toLowerCase(Locale.ROOT);
    List<InetAddress> addresses = List.of(InetAddress.getAllByName(host));
    if (hosts.contains(h)) {
      return addresses;
    }
    for (InetAddress a : addresses) {
      if (!allowed(a)) {
        throw new PermanentException("refusing to connect to " + host + ": it resolves to a " + kind(a)
            + " address, which parameters may not reach (allow it with egressAllow(...) if it is meant)");
      }
    }
    return addresses;
  }

  /** Whether connecting to {@code address} is allowed. */
  public boolean allowed(InetAddress address) {
    for (byte[][] r : ranges) {
      if (inRange(address.getAddress(), r)) {
        return true;
      }
    }
    return kind(address) == null;
  }

  /** What kind of non-public address this is, or null for a public one. */
  static String kind(InetAddress a) {
    InetAddress v = unmapped(a);
    if (v.isLoopbackAddress()) {
      return "loopback";
    }
    if (v.isLinkLocalAddress()) {
      return "link-local";
    }
    if (v.isSiteLocalAddress()) {
      return "private";
    }
    if (v.isAnyLocalAddress()) {
      return "unspecified";
    }
    if (v.isMulticastAddress()) {
      return "multicast";
    }
    byte[] b = v.getAddress();
    if (v instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      if (first == 100 && second >= 64 && second <= 127) {
        return "carrier-grade NAT";
      }
      if (first == 0 || first == 255 && second == 255) {
        return "reserved";
      }
    } else if ((b[0] & 0xfe) == 0xfc) {
      return "private";
    }
    return null;
  }

  /** An IPv4 address written as IPv6 (::ffff:a.b.c.d) is judged as IPv4. */
  private static InetAddress unmapped(InetAddress a) {
    if (a instanceof Inet6Address) {
      byte[] b = a.getAddress();
      boolean mapped = true;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          return a;
        }
      }
    }
    return a;
  }

  private static byte[][] parseRange(String e) {
    String addr = e;
    int bits = -1;
    int slash = e.indexOf('/');
    if (slash >= 0) {
      addr = e.substring(0, slash);
      try {
        bits = Integer.parseInt(e.substring(slash + 1));
      } catch (NumberFormatException nan) {
        throw new IllegalArgumentException("egress allow-list: '" + e + "' is not a CIDR range");
      }
    }
    if (!addr.matches("[0-9.]+") && !addr.contains(":")) {
      if (slash >= 0) {
        throw new IllegalArgumentException("egress allow-list: '" + e + "' is not a CIDR range");
      }
      return null;
    }
    try {
      byte[] base = InetAddress.getByName(addr).getAddress();
      int max = base.length * 8;
      if (bits < 0) {
        bits = max;
      }
      if (bits > max) {
        throw new IllegalArgumentException("egress allow-list: '" + e + "' has more than " + max + " bits");
      }
      return new byte[][] {base, {(byte) bits}};
    } catch (UnknownHostException bad) {
      throw new IllegalArgumentException("egress allow-list: '" + e + "' is not an address", bad);
    }
  }

  private static boolean inRange(byte[] address, byte[][] range) {
    byte[] base = range[0];
    int bits = range[1][0] & 0xff;
    if (address.length != base.length) {
      return false;
    }
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >> (i % 8);
      if ((address[i / 8] & mask) != (base[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }
}
