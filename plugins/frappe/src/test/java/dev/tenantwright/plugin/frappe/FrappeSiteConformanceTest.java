package dev.tenantwright.plugin.frappe;

import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import dev.tenantwright.testkit.frappe.BenchFake;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/** The conformance kit for {@code frappe.site}, with bench run locally (the fake plays it). */
class FrappeSiteConformanceTest extends ResourceTypeConformance<SiteSpec, SiteOutputs> {

  final BenchFake fake = TestConfigs.fakeBench();
  final CommandRunnerFake runner = fake.attachTo(new CommandRunnerFake());

  /** The transport's plugin configuration; subclasses run the same checks over another transport. */
  Map<String, Object> transportConfig() {
    return TestConfigs.local();
  }

  @Override
  protected ResourceType<SiteSpec, SiteOutputs> type() {
    return new FrappeSiteType();
  }

  @Override
  protected Map<String, Object> params() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("adminPassword", "${secrets.conformance}");
    p.put("apps", List.of("erpnext"));
    p.put("config", Map.of("max_file_size", 1024));
    p.put("user", Map.of("email", "${tenant.email}", "firstName", "Owner", "password", "${secrets.conformance}"));
    return p;
  }

  @Override
  protected Map<String, Object> updatedParams() {
    Map<String, Object> p = params();
    p.put("apps", List.of("erpnext", "hrms"));
    p.put("config", Map.of("max_file_size", 2048, "enable_feature_x", true));
    return p;
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Map.of("frappe", transportConfig());
  }

  @Override
  protected void configure(Tenantwright.Builder builder) {
    builder.commandRunner(runner);
  }

  @Override
  protected Collection<String> liveObjects() {
    return fake.liveObjects();
  }

  @Override
  protected void onBackendCall(IntConsumer listener) {
    fake.afterEachCall(listener);
  }

  @Override
  protected void plantOwnedObject(String resourceName, String marker) {
    fake.plantSite(resourceName + ".erp.example.test", marker, "erpnext");
  }

  @Override
  protected void plantForeignObject(String resourceName) {
    fake.plantSite(resourceName + ".erp.example.test", null);
  }

  /** Drops the site on the bench by hand. */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    fake.removeSite(resourceName + ".erp.example.test");
  }

  /** Uninstalls an app from the site on the bench by hand. */
  @Override
  protected String editOutOfBand(String resourceName) {
    fake.removeApp(resourceName + ".erp.example.test", "erpnext");
    return "apps";
  }

  @Override
  protected List<ErrorCase> errorCases() {
    List<ErrorCase> cases = new ArrayList<>();
    cases.add(new ErrorCase("new-site cannot reach MariaDB (2003)", () -> fake.failNext("new-site", 1,
        "pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on 'mariadb' ([Errno 111] Connection refused)\")"),
        true));
    cases.add(new ErrorCase("new-site with wrong database root credentials (1045)", () -> fake.failNext("new-site", 1,
        "pymysql.err.OperationalError: (1045, \"Access denied for user 'root'@'localhost' (using password: YES)\")"),
        false));
    cases.add(new ErrorCase("new-site killed by a timeout", () -> fake.hangNext("new-site"), true));
    cases.add(new ErrorCase("install-app of an app that is not in apps.txt",
        () -> fake.failNext("install-app", 1, "App erpnext not in apps.txt"), false));
    cases.add(new ErrorCase("a database deadlock while adding the user (1213)", () -> fake.failNext(
        "add-system-manager", 1, "pymysql.err.OperationalError: (1213, 'Deadlock found when trying to get lock')"),
        true));
    return cases;
  }
}
