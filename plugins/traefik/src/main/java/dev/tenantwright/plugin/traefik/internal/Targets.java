package dev.tenantwright.plugin.traefik.internal;

import dev.tenantwright.plugin.traefik.TraefikConfig;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a route may send traffic (security finding SEC7): its {@code servers} must be public addresses unless
 * the host allows a range ({@code serverNetworks}), and a named {@code service} must be one of this
 * environment's, from an allowed provider — never {@code api@internal} by default.
 *
 * <p>A server host is either a dotted IPv4 address, a bracketed IPv6 address or a DNS name; other spellings
 * a resolver would also take ({@code 2130706433}, {@code 0x7f.1}, {@code 127.1}) are refused. A DNS name is
 * resolved once when the route is written and every address must pass; Traefik resolves again per
 * connection, so a name whose records change later (DNS rebinding) is not covered — allow-list the ranges or
 * use addresses where that matters. Stateless.
 */
public final class Targets {

  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern DNS_NAME =
      Pattern.compile("([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)*[a-z]([a-z0-9-]*[a-z0-9])?\\.?");
  /** Ranges no route may reach unless allowed: besides loopback, link-local, site-local, any and multicast. */
  private static final List<Cidr> INTERNAL = List.of(Cidr.parse("0.0.0.0/8"), Cidr.parse("100.64.0.0/10"),
      Cidr.parse("192.0.0.0/24"), Cidr.parse("198.18.0.0/15"), Cidr.parse("240.0.0.0/4"), Cidr.parse("fc00::/7"),
      Cidr.parse("64:ff9b::/96"), Cidr.parse("2001:db8::/32"));

  private Targets() {}

  /** Refuses a server URL whose host is internal and not in {@code config.serverNetworks()}. */
  public static void checkServers(List<String> servers, TraefikConfig config) {
    List<Cidr> allowed = new ArrayList<>();
    config.serverNetworks().forEach(c -> allowed.add(Cidr.parse(c)));
    for (String server : servers) {
      String host = URI.create(server).getHost().toLowerCase(Locale.ROOT);
      List<InetAddress> addresses;
      if (host.startsWith("[") || IPV4.matcher(host).matches()) {
        addresses = List.of(literal(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, server));
      } else if (DNS_NAME.matcher(host).matches()) {
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".internal")
            || host.endsWith(".local")) {
          throw invalid("servers", server + " names an internal host");
        }
        try {
          addresses = List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
          throw new RetryableException("traefik.route spec, field 'servers': cannot resolve " + host
              + " to check where it points");
        }
      } else {
        throw invalid("servers", server + ": the host must be a DNS name, a dotted IPv4 address or a bracketed "
            + "IPv6 address");
      }
      for (InetAddress a : addresses) {
        if (internal(a) && allowed.stream().noneMatch(c -> c.contains(a))) {
          throw invalid("servers", server + " points to the internal address " + a.getHostAddress()
              + "; the host can allow such ranges with the plugin's serverNetworks");
        }
      }
    }
  }

  /**
   * Refuses a {@code service} that is Traefik's own ({@code @internal}) or another provider's unless allowed,
   * or that does not belong to this environment.
   */
  public static void checkService(String service, TraefikConfig config, StepContext ctx) {
    int at = service.indexOf('@');
    String name = at < 0 ? service : service.substring(0, at);
    String provider = at < 0 ? "file" : service.substring(at + 1);
    if (!provider.equals("file") && !config.serviceProviders().contains(provider)) {
      throw invalid("service", service + " is a service of provider '" + provider + "', which the plugin's "
          + "serviceProviders do not allow" + (provider.equals("internal") ? " (api@internal is Traefik's own API)" : ""));
    }
    if (provider.equals("internal")) {
      return;
    }
    String prefix = ctx.backendNamePrefix();
    if (!name.startsWith(prefix)) {
      throw invalid("service", service + " is not a service of this environment (its name must start with "
          + prefix + ")");
    }
  }

  private static InetAddress literal(String host, String server) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw invalid("servers", server + ": not an IP address");
    }
  }

  private static boolean internal(InetAddress a) {
    return a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress() || INTERNAL.stream().anyMatch(c -> c.contains(a))
        || a.getHostAddress().equals("255.255.255.255");
  }

  private static PermanentException invalid(String field, String why) {
    return new PermanentException("traefik.route spec, field '" + field + "': " + why);
  }

  /** An address range such as {@code 10.0.0.0/8} or {@code fd00::/8}. */
  public record Cidr(BigInteger network, int bits, int length) {

    /** Parses {@code address/prefix}. */
    public static Cidr parse(String cidr) {
      int slash = cidr == null ? -1 : cidr.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("not an address range such as 10.0.0.0/8: " + cidr);
      }
      String address = cidr.substring(0, slash);
      if (!IPV4.matcher(address).matches() && !address.contains(":")) {
        throw new IllegalArgumentException("not an address range such as 10.0.0.0/8: " + cidr);
      }
      byte[] bytes;
      int bits;
      try {
        bytes = InetAddress.getByName(address).getAddress();
        bits = Integer.parseInt(cidr.substring(slash + 1));
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("not an address range such as 10.0.0.0/8: " + cidr);
      }
      if (bits < 0 || bits > bytes.length * 8) {
        throw new IllegalArgumentException("prefix length out of range: " + cidr);
      }
      return new Cidr(mask(new BigInteger(1, bytes), bits, bytes.length * 8), bits, bytes.length);
    }

    /** Whether {@code a} lies in the range (IPv4 and IPv6 never match each other). */
    public boolean contains(InetAddress a) {
      byte[] bytes = a.getAddress();
      return bytes.length == length && mask(new BigInteger(1, bytes), bits, length * 8).equals(network);
    }

    private static BigInteger mask(BigInteger value, int bits, int width) {
      return value.shiftRight(width - bits).shiftLeft(width - bits);
    }
  }
}
