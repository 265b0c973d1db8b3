package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code provision TENANT --kind DEMO|LIVE|TEST}: provisions an environment — {@code demo}, {@code live} or the
 * test instance {@code test-NAME}, prefixed {@code SITE-} on a site other than the first.
 */
@Command(name = "provision", description = "Provision a tenant's demo, live or a named test environment.")
final class ProvisionCommand implements Callable<Integer> {

  /** The environment kinds of the API's {@code ProvisionRequest}. */
  enum Kind { DEMO, LIVE, TEST }

  @ParentCommand
  TenantwrightCli cli;

  @Parameters(paramLabel = "TENANT")
  String tenant;

  @Option(names = "--kind", required = true, paramLabel = "KIND", description = "DEMO, LIVE or TEST.")
  Kind kind;

  @Option(names = "--name", paramLabel = "NAME", description = "The test instance's name (kind TEST only).")
  String name;

  @Option(names = "--site", paramLabel = "SITE", description = "Another site than the tenant's first.")
  String site;

  @Option(names = "--blueprint", paramLabel = "BLUEPRINT", description = "Another blueprint than the server's"
      + " default.")
  String blueprint;

  @Option(names = {"-p", "--parameter"}, paramLabel = "NAME=VALUE", description = "A blueprint parameter, as text;"
      + " repeatable.")
  Map<String, String> parameters = new LinkedHashMap<>();

  @Mixin
  StartOptions start;

  @Override
  public Integer call() {
    ObjectNode body = Json.object().put("kind", kind.name());
    putIfSet(body, "name", name);
    putIfSet(body, "site", site);
    putIfSet(body, "blueprint", blueprint);
    start.withReason(body);
    if (!parameters.isEmpty()) {
      ObjectNode p = body.putObject("parameters");
      parameters.forEach(p::put);
    }
    ApiClient.Reply reply = cli.api().post(ApiClient.path("tenants", tenant, "environments"), body,
        start.idempotencyKey);
    return start.report(cli, reply);
  }

  static void putIfSet(ObjectNode body, String field, String value) {
    if (value != null) {
      body.put(field, value);
    }
  }
}
