package dev.tenantwright.plugin.vercel;

import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance.ErrorCase;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** What the Vercel conformance tests share: the per-tenant project they work in, config and error cases. */
final class Fixtures {

  /** The project every tenant's env, deployment and domain go to: made by the tenant's {@code site} resource. */
  static final String PROJECT = "${tenant.id}-demo-site";

  private static final String SUFFIX = "--demo--" + ResourceTypeConformance.SUBJECT;

  private Fixtures() {}

  /** The tenant id in a conformance resource name {@code <tenant>--demo--subject}. */
  static String tenantOf(String resourceName) {
    return resourceName.substring(0, resourceName.length() - SUFFIX.length());
  }

  /** The project name of the tenant of a conformance resource name. */
  static String projectOf(String resourceName) {
    return tenantOf(resourceName) + "-demo-site";
  }

  /** Makes {@code <tenant>-demo-site} exist, as that tenant's {@code site} resource would have made it. */
  static Function<String, String> projects() {
    return name -> name.endsWith("-demo-site")
        ? "tw:" + name.substring(0, name.length() - "-demo-site".length()) + "/demo/site@000000000000"
        : null;
  }

  /** The plugin configuration pointing at the fake, polling fast. */
  static Map<String, Map<String, Object>> config(VercelFake fake) {
    return Map.of("vercel", Map.of("token", VercelFake.TOKEN, "baseUrl", fake.baseUrl(), "timeout", "5s",
        "pollInterval", "5ms", "maxPollInterval", "20ms"));
  }

  /** 5xx and 429 must be retryable, 4xx permanent. */
  static List<ErrorCase> errorCases(VercelFake fake) {
    return List.of(
        new ErrorCase("500 on the first call", () -> fake.inject(Fault.status(500).times(1)), true),
        new ErrorCase("429 with Retry-After", () -> fake.inject(Fault.rateLimited(Duration.ofSeconds(1)).times(1)), true),
        new ErrorCase("403 forbidden", () -> fake.inject(Fault.status(403).times(1)), false),
        new ErrorCase("400 bad request", () -> fake.inject(Fault.status(400).times(1)), false));
  }
}
