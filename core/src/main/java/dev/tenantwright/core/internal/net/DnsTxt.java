package dev.tenantwright.core.internal.net;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * Looks TXT records up in DNS with the JDK's DNS provider: through the system's resolvers, or through the servers
 * given ({@code host:port}), so that tests and private setups can point it at their own server. Thread-safe.
 */
public final class DnsTxt {

  private final List<String> servers;

  public DnsTxt(List<String> servers) {
    this.servers = List.copyOf(servers);
  }

  /**
   * The TXT values at {@code name} (each record's character strings joined), empty when the name has none or does not
   * exist.
   *
   * @throws NamingException when DNS cannot be asked (no answer, a server failure)
   */
  public List<String> lookup(String name) throws NamingException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    StringBuilder url = new StringBuilder();
    for (String s : servers) {
      url.append(url.length() == 0 ? "" : " ").append("dns://").append(s);
    }
    env.put(Context.PROVIDER_URL, url.length() == 0 ? "dns:" : url.toString());
    env.put("com.sun.jndi.dns.timeout.initial", "1000");
    env.put("com.sun.jndi.dns.timeout.retries", "2");
    DirContext ctx = new InitialDirContext(env);
    try {
      Attributes attrs = ctx.getAttributes(name.endsWith(".") ? name : name + ".", new String[] {"TXT"});
      Attribute txt = attrs.get("TXT");
      List<String> out = new ArrayList<>();
      if (txt != null) {
        NamingEnumeration<?> values = txt.getAll();
        while (values.hasMore()) {
          out.add(unquote(String.valueOf(values.next())));
        }
      }
      return out;
    } catch (NameNotFoundException absent) {
      return List.of();
    } finally {
      ctx.close();
    }
  }

  /** The JDK returns a TXT record of several strings as {@code "a" "b"}: join them, as DNS means them. */
  static String unquote(String raw) {
    String s = raw.strip();
    if (!s.startsWith("\"")) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    boolean in = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '"') {
        in = !in;
      } else if (ch == '\\' && in && i + 1 < s.length()) {
        out.append(s.charAt(++i));
      } else if (in) {
        out.append(ch);
      }
    }
    return out.toString();
  }
}
