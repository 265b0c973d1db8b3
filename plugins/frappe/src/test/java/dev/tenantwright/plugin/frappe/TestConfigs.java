package dev.tenantwright.plugin.frappe;

import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.frappe.BenchFake;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plugin configurations pointing at a {@link BenchFake}, as records and as host configuration maps. */
public final class TestConfigs {

  /** The database root password the fake accepts. */
  public static final String ROOT_PASSWORD = "r00t'pa$$ word";

  private TestConfigs() {}

  /** The local transport. */
  public static Map<String, Object> local() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("transport", "local");
    m.put("benchDir", BenchFake.DEFAULT_BENCH_DIR);
    m.put("dbRootPassword", ROOT_PASSWORD);
    m.put("siteDomain", "erp.example.test");
    return m;
  }

  /** The docker transport. */
  public static Map<String, Object> docker() {
    Map<String, Object> m = local();
    m.put("transport", "docker");
    m.put("container", BenchFake.DEFAULT_CONTAINER);
    return m;
  }

  /** The ssh transport. */
  public static Map<String, Object> ssh() {
    Map<String, Object> m = local();
    m.put("transport", "ssh");
    m.put("sshHost", "bench.example.test");
    m.put("sshUser", "frappe");
    m.put("sshPort", 2222);
    m.put("sshKey", "/etc/tenantwright/bench_key");
    m.put("sshOptions", List.of("StrictHostKeyChecking=yes"));
    return m;
  }

  /** The record a map binds to. */
  public static FrappeConfig record(Map<String, Object> m) {
    return new FrappeConfig((String) m.get("transport"), (String) m.get("benchDir"), null, (String) m.get("container"),
        null, (String) m.get("sshHost"), (String) m.get("sshUser"), (Integer) m.get("sshPort"),
        (String) m.get("sshKey"), cast(m.get("sshOptions")), null, null,
        Secret.of((String) m.get("dbRootPassword")), null, (String) m.get("siteDomain"), null, null,
        (Boolean) m.get("processGuards"));
  }

  /** A fake bench that accepts {@link #ROOT_PASSWORD}. */
  public static BenchFake fakeBench() {
    return new BenchFake().rootCredentials("root", ROOT_PASSWORD);
  }

  @SuppressWarnings("unchecked")
  private static List<String> cast(Object o) {
    return (List<String>) o;
  }
}
