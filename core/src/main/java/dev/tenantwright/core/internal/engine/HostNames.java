package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.internal.journal.HostNameRegistry;
import dev.tenantwright.core.internal.journal.JournalException;
import dev.tenantwright.spi.HostName;
import dev.tenantwright.spi.PermanentException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds the DNS names a step's resource answers for (its spec's {@link HostName} fields) to the tenant's environment
 * before the step calls its backend, and refuses names the tenant may not use.
 *
 * <p>The rules, in order: a name must be a valid host name; a wildcard label ({@code *}) or an
 * {@code _acme-challenge} label — the names that would let a tenant obtain certificates for others — is refused;
 * the apex of a platform domain (the host's own domains under which tenants get names, e.g.
 * {@code sites.example.com}) and names the host reserved ({@code www}, {@code api}, {@code admin} … directly under a
 * platform domain, or any full name it lists) are refused; a name under a platform domain is first come, first
 * served; any other name is a custom domain and may only be used once the tenant proved it owns it
 * ({@code Tenantwright.domains()}). Then the journal registers it: a name another tenant (or another environment of
 * the same tenant) holds, or one inside another tenant's name, is refused. Thread-safe.
 */
public final class HostNames {

  /** Labels reserved directly under every platform domain unless the host configures its own list. */
  public static final List<String> DEFAULT_RESERVED = List.of("www", "api", "admin", "administrator", "app", "auth",
      "login", "signin", "signup", "account", "accounts", "mail", "email", "smtp", "imap", "pop", "pop3", "mx", "ns",
      "ns1", "ns2", "dns", "ftp", "sftp", "ssh", "vpn", "portal", "dashboard", "console", "status", "support", "help",
      "docs", "blog", "billing", "pay", "payments", "cdn", "static", "assets", "media", "img", "autodiscover",
      "autoconfig", "webmail", "root", "internal", "staging", "dev", "test", "demo", "live", "prod", "production");

  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?");

  private final HostNameRegistry registry;
  private final List<String> platformDomains;
  private final Set<String> reserved;

  public HostNames(HostNameRegistry registry, List<String> platformDomains, List<String> reserved) {
    this.registry = registry;
    this.platformDomains = platformDomains.stream().map(HostNames::normalise).toList();
    this.reserved = Set.copyOf(reserved.stream().map(HostNames::normalise).toList());
  }

  private static final Map<Class<?>, Boolean> DECLARES = new java.util.concurrent.ConcurrentHashMap<>();

  /** Whether a spec record has any {@link HostName} field (also inside nested records): only then are names kept. */
  public static boolean declares(Class<?> spec) {
    return DECLARES.computeIfAbsent(spec, HostNames::scan);
  }

  private static boolean scan(Class<?> type) {
    if (!type.isRecord()) {
      return false;
    }
    if (!nameMethods(type).isEmpty()) {
      return true;
    }
    for (RecordComponent rc : type.getRecordComponents()) {
      if (rc.isAnnotationPresent(HostName.class)) {
        return true;
      }
      for (Class<?> inner : nested(rc)) {
        if (inner != type && scan(inner)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The record types a component holds: itself, or the elements of a collection or the values of a map. */
  private static List<Class<?>> nested(RecordComponent rc) {
    Class<?> t = rc.getType();
    if (t.isRecord()) {
      return List.of(t);
    }
    if (rc.getGenericType() instanceof ParameterizedType p) {
      java.lang.reflect.Type[] args = p.getActualTypeArguments();
      java.lang.reflect.Type element = Collection.class.isAssignableFrom(t) ? args[0]
          : Map.class.isAssignableFrom(t) ? args[1] : null;
      if (element instanceof Class<?> c && c.isRecord()) {
        return List.of(c);
      }
    }
    return List.of();
  }

  /**
   * A spec's public no-argument methods marked {@link HostName} — for a name that counts only sometimes, such as a
   * record name only when the resource creates the record.
   */
  private static List<Method> nameMethods(Class<?> type) {
    List<Method> out = new java.util.ArrayList<>();
    for (Method m : type.getMethods()) {
      if (m.isAnnotationPresent(HostName.class) && m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())
          && type.isAssignableFrom(m.getDeclaringClass())) {
        out.add(m);
      }
    }
    return out;
  }

  /** The host names in a bound spec: every {@link HostName} field, also inside nested records and collections. */
  public static Set<String> of(Object spec) {
    Set<String> out = new LinkedHashSet<>();
    collect(spec, false, out);
    return out;
  }

  private static void collect(Object value, boolean names, Set<String> out) {
    if (value == null) {
      return;
    }
    if (value instanceof String s) {
      if (names && !s.isBlank()) {
        out.add(normalise(s));
      }
    } else if (value instanceof Collection<?> c) {
      c.forEach(v -> collect(v, names, out));
    } else if (value instanceof Map<?, ?> m) {
      m.values().forEach(v -> collect(v, false, out));
    } else if (value.getClass().isRecord()) {
      for (RecordComponent rc : value.getClass().getRecordComponents()) {
        collect(read(rc.getAccessor(), value), rc.isAnnotationPresent(HostName.class), out);
      }
      for (Method m : nameMethods(value.getClass())) {
        if (m.getDeclaringClass().isRecord() && isAccessor(m)) {
          continue;
        }
        collect(read(m, value), true, out);
      }
    }
  }

  private static boolean isAccessor(Method m) {
    for (RecordComponent rc : m.getDeclaringClass().getRecordComponents()) {
      if (rc.getAccessor().equals(m)) {
        return true;
      }
    }
    return false;
  }

  private static Object read(Method accessor, Object target) {
    try {
      accessor.setAccessible(true);
      return accessor.invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + accessor.getName() + " of " + target.getClass().getSimpleName(),
          e.getCause() == null ? e : e.getCause());
    }
  }

  /**
   * Checks the names against the rules and registers them to the resource.
   *
   * @throws PermanentException naming the field's name and why it may not be used
   */
  public void claim(String tenantId, String environmentId, String resource, Set<String> names, long now) {
    if (names.isEmpty()) {
      return;
    }
    List<String> verified = null;
    for (String name : names) {
      String refusal = refusal(name);
      if (refusal == null && platformDomain(name).isEmpty()) {
        if (verified == null) {
          verified = registry.verifiedDomains(tenantId);
        }
        if (!coveredBy(name, verified)) {
          refusal = "host name '" + name + "' is a custom domain tenant '" + tenantId + "' has not verified"
              + (platformDomains.isEmpty() ? " (no platform domains are configured: set platformDomains(...) for the"
                  + " names the platform gives out)" : " (it is not under " + String.join(", ", platformDomains) + ")")
              + ": publish the TXT record from domains().challenge(...) and verify it first";
        }
      }
      if (refusal != null) {
        throw new PermanentException("resource '" + resource + "': " + refusal);
      }
    }
    try {
      registry.claim(tenantId, environmentId, resource, names, now);
    } catch (JournalException e) {
      if (e.reason() == JournalException.Reason.HOSTNAME_TAKEN) {
        throw new PermanentException("resource '" + resource + "': " + e.getMessage(), null);
      }
      throw e;
    }
  }

  /** Whether a name lies under one of the platform's domains. */
  public boolean isPlatformName(String name) {
    return platformDomain(name).isPresent();
  }

  /** Why a name can never be used by a tenant, or null. */
  public String refusal(String name) {
    if (name.length() > 253 || name.isEmpty()) {
      return "'" + name + "' is not a host name";
    }
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (label.equals("*")) {
        return "host name '" + name + "' is a wildcard, which a tenant may not claim";
      }
      if (label.equals("_acme-challenge")) {
        return "host name '" + name + "' is an ACME challenge name, which a tenant may not claim";
      }
      if (!LABEL.matcher(label).matches()) {
        return "'" + name + "' is not a host name";
      }
    }
    if (labels.length < 2) {
      return "host name '" + name + "' is not a fully qualified name";
    }
    if (reserved.contains(name)) {
      return "host name '" + name + "' is reserved by the platform";
    }
    for (String pd : platformDomains) {
      if (name.equals(pd)) {
        return "host name '" + name + "' is the platform domain itself";
      }
      if (name.endsWith("." + pd)) {
        String rest = name.substring(0, name.length() - pd.length() - 1);
        String first = rest.substring(rest.lastIndexOf('.') + 1);
        if (reserved.contains(first)) {
          return "host name '" + name + "' uses the reserved name '" + first + "' under the platform domain " + pd;
        }
      }
    }
    return null;
  }

  private Optional<String> platformDomain(String name) {
    return platformDomains.stream().filter(pd -> name.endsWith("." + pd)).findFirst();
  }

  /** Whether {@code name} is a verified domain or lies under one. */
  static boolean coveredBy(String name, List<String> verified) {
    for (String d : verified) {
      if (name.equals(d) || name.endsWith("." + d)) {
        return true;
      }
    }
    return false;
  }

  /** Lower case, without a trailing dot. */
  public static String normalise(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
