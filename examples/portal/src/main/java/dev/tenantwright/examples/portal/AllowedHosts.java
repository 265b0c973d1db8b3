package dev.tenantwright.examples.portal;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names under which the portal may be asked for: a request whose {@code Host} header is not one of them
 * is refused. This stops DNS rebinding — a page on {@code evil.example} whose name the attacker re-points to
 * 127.0.0.1 would otherwise talk to the portal as a same-origin page of its own, with {@code Host:
 * evil.example}.
 *
 * <p>An entry is {@code host:port} (only that port) or {@code host} (any port). The defaults are the bound
 * address and port, {@code 127.0.0.1}, {@code localhost} and {@code [::1]} with that port; a deployment adds
 * its public name ({@code --allowed-host}, or the host of {@code --public-url}). Immutable.
 */
final class AllowedHosts {

  private static final Pattern ENTRY = Pattern.compile(
      "(\\[[0-9a-f:.]+\\]|[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?)(:[0-9]{1,5})?");

  private final Set<String> exact;
  private final Set<String> anyPort;

  private AllowedHosts(Set<String> exact, Set<String> anyPort) {
    this.exact = Set.copyOf(exact);
    this.anyPort = Set.copyOf(anyPort);
  }

  /** The defaults for the bound address, plus {@code extra} entries and the host of {@code publicUrl} (may be null). */
  static AllowedHosts of(InetSocketAddress bound, List<String> extra, URI publicUrl) {
    Set<String> exact = new LinkedHashSet<>();
    Set<String> anyPort = new LinkedHashSet<>();
    int port = bound.getPort();
    String address = bound.getAddress().getHostAddress();
    for (String host : List.of(address.contains(":") ? "[" + address + "]" : address, "127.0.0.1", "localhost",
        "[::1]")) {
      exact.add(host + ":" + port);
    }
    for (String entry : extra) {
      String e = check(entry);
      (hasPort(e) ? exact : anyPort).add(e);
    }
    if (publicUrl != null) {
      String host = publicUrl.getHost().toLowerCase(Locale.ROOT);
      if (publicUrl.getPort() == -1) {
        exact.add(host);
      } else {
        exact.add(host + ":" + publicUrl.getPort());
      }
    }
    return new AllowedHosts(exact, anyPort);
  }

  /** Checks an {@code --allowed-host} entry and lower-cases it. */
  static String check(String entry) {
    String e = entry == null ? "" : entry.strip().toLowerCase(Locale.ROOT);
    if (!ENTRY.matcher(e).matches()) {
      throw new IllegalArgumentException("allowed host must be a host name or address, optionally with :port, "
          + "was '" + entry + "'");
    }
    return e;
  }

  /** Whether a request with this {@code Host} header (null when absent) may be served. */
  boolean allows(String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    String h = hostHeader.strip().toLowerCase(Locale.ROOT);
    if (exact.contains(h)) {
      return true;
    }
    String name = hasPort(h) ? h.substring(0, h.lastIndexOf(':')) : h;
    return anyPort.contains(name);
  }

  private static boolean hasPort(String hostAndPort) {
    int colon = hostAndPort.lastIndexOf(':');
    return colon > hostAndPort.lastIndexOf(']');
  }

  @Override
  public String toString() {
    return exact + " and on any port " + anyPort;
  }
}
