package dev.tenantwright.testkit.dns;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A small DNS server on {@code 127.0.0.1} answering {@code TXT}, {@code A}, {@code AAAA} and {@code CNAME} questions
 * from records planted in a map (and from {@linkplain #source(Source) sources} such as a backend fake), the way a
 * recursive resolver answers them: CNAME chains followed, {@code NXDOMAIN} for a name that holds nothing,
 * {@code NOERROR} with an empty answer for a name that holds other types.
 *
 * <p>It listens on UDP and TCP on the same free port: a UDP answer larger than the query allows (512 bytes, or the
 * EDNS payload size the query offers) is truncated with the {@code TC} flag, so a client retries over TCP as
 * RFC 7766 asks. A TXT value longer than 255 bytes is split into 255-byte character-strings, as zone files and
 * DNS providers store it (RFC 1035 §3.3.14). Names are compared case-insensitively, without the trailing dot.
 * Point the code under test at {@link #address()} ({@code 127.0.0.1:<port>}).
 *
 * <p>Failures are planted per name: {@link Failure#SERVFAIL} and {@link Failure#REFUSED} answer that code,
 * {@link Failure#TIMEOUT} never answers. Every question is logged ({@link #queries()}, e.g.
 * {@code "TXT _vercel.example.com"}), which lets a test prove that a name was not asked too early (resolvers cache
 * a negative answer for the zone's negative TTL, RFC 2308).
 *
 * <p>Thread-safe: state is guarded by this object's monitor; one daemon thread serves UDP and one accepts TCP
 * connections. Close it after use.
 *
 * <pre>{@code
 * try (DnsFake dns = new DnsFake()) {
 *   dns.txt("_vercel.shop.example.com", "vc-domain-verify=shop.example.com,7f3a");
 *   dns.cname("www.shop.example.com", "cname.vercel-dns.com");
 *   // point the resolver under test at dns.address()
 * }
 * }</pre>
 */
public final class DnsFake implements AutoCloseable {

  /** The TTL of every answer, in seconds. */
  public static final long TTL = 60;

  private static final List<String> TYPES = List.of("TXT", "A", "AAAA", "CNAME");
  private static final int MAX_CHAIN = 8;

  /** What a name answers instead of its records. */
  public enum Failure {
    /** Answers {@code SERVFAIL} (rcode 2), as a resolver does when the authoritative servers fail. */
    SERVFAIL,
    /** Answers {@code REFUSED} (rcode 5). */
    REFUSED,
    /** Never answers, so the client's timeout strikes. */
    TIMEOUT
  }

  /**
   * Records computed when a question arrives, consulted after the planted ones; e.g. a backend fake's view of its
   * zones.
   */
  @FunctionalInterface
  public interface Source {
    /**
     * The data of the records of {@code type} at {@code name}: text for TXT, addresses for A and AAAA, the target
     * name for CNAME.
     *
     * @param name lower case, without the trailing dot
     * @param type {@code TXT}, {@code A}, {@code AAAA} or {@code CNAME}
     * @return the values, empty when there are none
     */
    List<String> lookup(String name, String type);
  }

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Map<String, Map<String, List<String>>> records = new LinkedHashMap<>();
  private final Map<String, Failure> failures = new LinkedHashMap<>();
  private final List<Source> sources = new CopyOnWriteArrayList<>();
  private final List<String> queries = new ArrayList<>();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** Starts a server on a free port of {@code 127.0.0.1}, UDP and TCP. */
  public DnsFake() {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    IOException last = null;
    DatagramSocket u = null;
    ServerSocket t = null;
    for (int tries = 0; tries < 20 && t == null; tries++) {
      try {
        u = new DatagramSocket(new InetSocketAddress(loopback, 0));
        t = new ServerSocket(u.getLocalPort(), 50, loopback);
      } catch (IOException e) {
        last = e;
        if (u != null) {
          u.close();
        }
        u = null;
      }
    }
    if (t == null) {
      throw new UncheckedIOException("no free port on " + loopback + " for both UDP and TCP", last);
    }
    this.udp = u;
    this.tcp = t;
    start("fake-dns-udp-" + port(), this::serveUdp);
    start("fake-dns-tcp-" + port(), this::acceptTcp);
  }

  // ------------------------------------------------------------------------------------ where it listens

  /** The port, the same for UDP and TCP. */
  public int port() {
    return udp.getLocalPort();
  }

  /** {@code 127.0.0.1:<port>}, the form resolver configurations take. */
  public String address() {
    return udp.getLocalAddress().getHostAddress() + ":" + port();
  }

  /** The address and port. */
  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(udp.getLocalAddress(), port());
  }

  // ------------------------------------------------------------------------------------ records

  /** Adds one TXT record per value at {@code name}. */
  public DnsFake txt(String name, String... values) {
    return add(name, "TXT", values);
  }

  /** Adds A records (IPv4 literals) at {@code name}. */
  public DnsFake a(String name, String... addresses) {
    for (String a : addresses) {
      requireLiteral(a, false);
    }
    return add(name, "A", addresses);
  }

  /** Adds AAAA records (IPv6 literals) at {@code name}. */
  public DnsFake aaaa(String name, String... addresses) {
    for (String a : addresses) {
      requireLiteral(a, true);
    }
    return add(name, "AAAA", addresses);
  }

  /** Sets the CNAME of {@code name} (a name holds at most one). */
  public synchronized DnsFake cname(String name, String target) {
    records.computeIfAbsent(normalise(name), k -> new LinkedHashMap<>()).put("CNAME", List.of(normalise(target)));
    return this;
  }

  /** Removes every record at {@code name}. */
  public synchronized DnsFake remove(String name) {
    records.remove(normalise(name));
    return this;
  }

  /** Removes the records of {@code type} at {@code name}. */
  public synchronized DnsFake remove(String name, String type) {
    Map<String, List<String>> byType = records.get(normalise(name));
    if (byType != null) {
      byType.remove(type.toUpperCase(Locale.ROOT));
    }
    return this;
  }

  /** Adds a source of records consulted, after the planted records, for every question. */
  public DnsFake source(Source source) {
    sources.add(Objects.requireNonNull(source, "source"));
    return this;
  }

  /** Makes every question about {@code name} fail this way until {@link #clearFailures()}. */
  public synchronized DnsFake fail(String name, Failure how) {
    failures.put(normalise(name), Objects.requireNonNull(how, "how"));
    return this;
  }

  /** Removes every planted failure. */
  public synchronized DnsFake clearFailures() {
    failures.clear();
    return this;
  }

  /** The values of {@code type} at {@code name}: planted ones, then each source's, as a question would see them. */
  public List<String> lookup(String name, String type) {
    String n = normalise(name);
    String t = type.toUpperCase(Locale.ROOT);
    List<String> out;
    synchronized (this) {
      out = new ArrayList<>(records.getOrDefault(n, Map.of()).getOrDefault(t, List.of()));
    }
    for (Source s : sources) {
      out.addAll(s.lookup(n, t));
    }
    return out;
  }

  // ------------------------------------------------------------------------------------ what was asked

  /** Every question received, in order, as {@code "<TYPE> <name>"}, e.g. {@code "TXT _vercel.example.com"}. */
  public synchronized List<String> queries() {
    return List.copyOf(queries);
  }

  /** How many questions about {@code name} (any type) arrived. */
  public synchronized long queries(String name) {
    String suffix = " " + normalise(name);
    return queries.stream().filter(q -> q.endsWith(suffix)).count();
  }

  /** Stops both listeners and closes the TCP connections still open. */
  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing a listening socket does not fail in a way a caller could act on
    }
    for (Socket s : connections) {
      try {
        s.close();
      } catch (IOException ignored) {
        // the connection is gone either way
      }
    }
  }

  // ------------------------------------------------------------------------------------ answering

  /** The answer to one query message, or null to stay silent. */
  byte[] answer(byte[] wire, boolean overUdp) {
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException malformed) {
      return null;
    }
    Record question = query.getQuestion();
    Message reply = new Message(query.getHeader().getID());
    reply.getHeader().setFlag(Flags.QR);
    reply.getHeader().setFlag(Flags.RA);
    if (query.getHeader().getFlag(Flags.RD)) {
      reply.getHeader().setFlag(Flags.RD);
    }
    OPTRecord opt = query.getOPT();
    if (opt != null) {
      reply.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    }
    if (question == null) {
      reply.getHeader().setRcode(Rcode.FORMERR);
      return reply.toWire();
    }
    reply.addRecord(question, Section.QUESTION);
    String name = normalise(question.getName().toString());
    String type = Type.string(question.getType());
    Failure failure;
    synchronized (this) {
      queries.add(type + " " + name);
      failure = failures.get(name);
    }
    if (failure == Failure.TIMEOUT) {
      return null;
    }
    if (failure != null) {
      reply.getHeader().setRcode(failure == Failure.SERVFAIL ? Rcode.SERVFAIL : Rcode.REFUSED);
      return reply.toWire();
    }
    if (question.getDClass() != DClass.IN) {
      reply.getHeader().setRcode(Rcode.REFUSED);
      return reply.toWire();
    }
    reply.getHeader().setRcode(resolve(name, type, reply));
    if (!overUdp) {
      return reply.toWire();
    }
    int limit = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
    return reply.toWire(limit);
  }

  /** Adds the answer records for {@code name}/{@code type} to {@code reply}; returns the rcode. */
  private int resolve(String name, String type, Message reply) {
    String current = name;
    for (int hop = 0; hop < MAX_CHAIN; hop++) {
      List<String> cname = lookup(current, "CNAME");
      if (type.equals("CNAME") || cname.isEmpty()) {
        break;
      }
      reply.addRecord(new CNAMERecord(dnsName(current), DClass.IN, TTL, dnsName(cname.get(0))), Section.ANSWER);
      current = cname.get(0);
    }
    boolean any = false;
    if (TYPES.contains(type)) {
      for (String value : lookup(current, type)) {
        reply.addRecord(record(current, type, value), Section.ANSWER);
        any = true;
      }
    }
    if (any || !reply.getSection(Section.ANSWER).isEmpty() || exists(current)) {
      return Rcode.NOERROR;
    }
    return Rcode.NXDOMAIN;
  }

  /** Whether the name holds any record, or is an empty non-terminal above one (RFC 8020 keeps those NOERROR). */
  private boolean exists(String name) {
    for (String t : TYPES) {
      if (!lookup(name, t).isEmpty()) {
        return true;
      }
    }
    String below = "." + name;
    synchronized (this) {
      return records.keySet().stream().anyMatch(k -> k.endsWith(below));
    }
  }

  private static Record record(String owner, String type, String value) {
    Name name = dnsName(owner);
    try {
      return switch (type) {
        case "TXT" -> new TXTRecord(name, DClass.IN, TTL, characterStrings(value));
        case "A" -> new ARecord(name, DClass.IN, TTL, InetAddress.getByName(value));
        case "AAAA" -> new AAAARecord(name, DClass.IN, TTL, InetAddress.getByName(value));
        case "CNAME" -> new CNAMERecord(name, DClass.IN, TTL, dnsName(value));
        default -> throw new IllegalArgumentException("unsupported type " + type);
      };
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serve " + type + " " + owner + " -> " + value, e);
    }
  }

  /**
   * A TXT value as zone-file character-strings of at most 255 bytes each, escaped for dnsjava's text parser
   * ({@code \\} and {@code \DDD}), so any byte reaches the wire unchanged.
   */
  static List<String> characterStrings(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    for (int from = 0; from < bytes.length || out.isEmpty(); from += 255) {
      byte[] chunk = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + 255));
      StringBuilder sb = new StringBuilder();
      for (byte b : chunk) {
        int u = b & 0xFF;
        if (u == '\\') {
          sb.append("\\\\");
        } else if (u < 0x20 || u > 0x7E) {
          sb.append('\\').append(String.format(Locale.ROOT, "%03d", u));
        } else {
          sb.append((char) u);
        }
      }
      out.add(sb.toString());
      if (bytes.length == 0) {
        break;
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------ transport

  private void serveUdp() {
    byte[] buffer = new byte[65535];
    while (!closed) {
      DatagramPacket in = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(in);
        byte[] out = answer(Arrays.copyOf(in.getData(), in.getLength()), true);
        if (out != null) {
          udp.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
        }
      } catch (SocketException stopped) {
        return;
      } catch (IOException | RuntimeException e) {
        // one bad exchange must not stop the server
      }
    }
  }

  private void acceptTcp() {
    while (!closed) {
      try {
        Socket s = tcp.accept();
        connections.add(s);
        start("fake-dns-tcp-conn", () -> serveTcp(s));
      } catch (IOException stopped) {
        return;
      }
    }
  }

  /** RFC 1035 §4.2.2: each message is preceded by its two-byte length. */
  private void serveTcp(Socket s) {
    try (s; DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
      while (!closed) {
        int length;
        try {
          length = in.readUnsignedShort();
        } catch (EOFException done) {
          return;
        }
        byte[] wire = in.readNBytes(length);
        byte[] answer = answer(wire, false);
        if (answer == null) {
          continue;
        }
        ByteArrayOutputStream framed = new ByteArrayOutputStream(answer.length + 2);
        new DataOutputStream(framed).writeShort(answer.length);
        framed.write(answer);
        out.write(framed.toByteArray());
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // the client went away
    } finally {
      connections.remove(s);
    }
  }

  private static void start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  // ------------------------------------------------------------------------------------ helpers

  private synchronized DnsFake add(String name, String type, String... values) {
    records.computeIfAbsent(normalise(name), k -> new LinkedHashMap<>())
        .computeIfAbsent(type, k -> new ArrayList<>()).addAll(List.of(values));
    return this;
  }

  private static String normalise(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private static Name dnsName(String name) {
    try {
      return Name.fromString(name + ".");
    } catch (IOException e) {
      throw new IllegalArgumentException("not a DNS name: " + name, e);
    }
  }

  private static void requireLiteral(String address, boolean v6) {
    boolean ok = v6 ? address.contains(":") && address.matches("[0-9A-Fa-f:.]+")
        : address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    if (!ok) {
      throw new IllegalArgumentException("not an IPv" + (v6 ? "6" : "4") + " literal: " + address);
    }
  }
}
