package dev.tenantwright.plugin.cloudflare.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Asks DNS resolvers for the TXT records of a name, with dnsjava: what a third party checking the name would see
 * (a certificate authority, Vercel's domain verification), as opposed to what Cloudflare's API shows.
 *
 * <p>Each question goes to the resolvers in turn (UDP, and TCP when the answer is truncated) until one gives a
 * definite answer ({@code NOERROR} or {@code NXDOMAIN}); a {@code SERVFAIL}, {@code REFUSED} or a resolver that
 * does not answer in time moves on to the next. A TXT record's character-strings are joined without separators
 * (values over 255 bytes are stored as several strings, RFC 7208 §3.3) and decoded as UTF-8.
 *
 * <p>Thread-safe; one per configuration. dnsjava is shaded into the plugin's jar.
 */
public final class DnsLookup {

  private final List<InetSocketAddress> configured;
  private final Duration timeout;
  private volatile List<InetSocketAddress> servers;

  DnsLookup(List<InetSocketAddress> configured, Duration timeout) {
    this.configured = List.copyOf(configured);
    this.timeout = timeout;
  }

  /** The configured resolvers, or the system's, read on first use (record-only steps never need them). */
  private List<InetSocketAddress> servers() {
    List<InetSocketAddress> s = servers;
    if (s == null) {
      s = configured.isEmpty() ? List.copyOf(ResolverConfig.getCurrentConfig().servers()) : configured;
      servers = s;
    }
    return s;
  }

  /**
   * What DNS answered for a TXT question.
   *
   * @param values the TXT values (each record's strings joined); empty when none
   * @param status {@code NOERROR}, {@code NXDOMAIN}, or why no resolver answered, e.g.
   *     {@code "SERVFAIL from 127.0.0.1:53"}
   * @param resolvers the resolvers asked, for messages
   */
  public record Answer(List<String> values, String status, String resolvers) {

    /** {@code "NOERROR with 2 TXT values (\"a\", \"b\")"}, for messages. */
    public String describe() {
      return status + (values.isEmpty() ? " with no TXT value" : " with TXT " + values.stream()
          .map(v -> "\"" + (v.length() > 80 ? v.substring(0, 80) + "..." : v) + "\"")
          .collect(Collectors.joining(", "))) + " (resolvers " + resolvers + ")";
    }
  }

  /** The resolvers asked, as {@code host:port} separated by commas. */
  public String resolvers() {
    return servers().stream().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
        .collect(Collectors.joining(", "));
  }

  /** Asks for the TXT records of {@code name} (a fully qualified name without the trailing dot). */
  public Answer txt(String name) {
    Message query;
    try {
      query = Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.TXT, DClass.IN));
    } catch (TextParseException e) {
      return new Answer(List.of(), "not a DNS name: " + e.getMessage(), resolvers());
    }
    List<String> failures = new ArrayList<>();
    for (InetSocketAddress server : servers()) {
      String where = server.getAddress().getHostAddress() + ":" + server.getPort();
      SimpleResolver resolver = new SimpleResolver(server);
      resolver.setTimeout(timeout);
      Message reply;
      try {
        reply = resolver.send(query);
      } catch (IOException e) {
        failures.add("no answer from " + where + " (" + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        continue;
      }
      int rcode = reply.getRcode();
      if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
        failures.add(Rcode.string(rcode) + " from " + where);
        continue;
      }
      List<String> values = new ArrayList<>();
      for (Record r : reply.getSection(Section.ANSWER)) {
        if (r instanceof TXTRecord txt) {
          StringBuilder joined = new StringBuilder();
          for (byte[] s : txt.getStringsAsByteArrays()) {
            joined.append(new String(s, StandardCharsets.UTF_8));
          }
          values.add(joined.toString());
        }
      }
      return new Answer(values, Rcode.string(rcode), where);
    }
    return new Answer(List.of(), failures.isEmpty() ? "no resolver configured" : String.join("; ", failures),
        resolvers());
  }
}
