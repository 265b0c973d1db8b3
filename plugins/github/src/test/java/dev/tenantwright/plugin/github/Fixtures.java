package dev.tenantwright.plugin.github;

import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance.ErrorCase;
import dev.tenantwright.testkit.github.GitHubFake;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** What the GitHub tests share: the organisation, the template, the configuration and the error cases. */
final class Fixtures {

  /** The organisation repositories are made in. */
  static final String ORG = "acme-sites";
  /** The template every repository is generated from. */
  static final String TEMPLATE = ORG + "/portfolio";

  private static final String SUFFIX = "--demo--" + ResourceTypeConformance.SUBJECT;

  private Fixtures() {}

  /** The tenant id in a conformance resource name {@code <tenant>--demo--subject}. */
  static String tenantOf(String resourceName) {
    return resourceName.substring(0, resourceName.length() - SUFFIX.length());
  }

  /** The repository a tenant's {@code site} resource made, {@code acme-sites/<tenant>--demo--site}. */
  static String repositoryOf(String tenant) {
    return ORG + "/" + tenant + "--demo--site";
  }

  /** Makes {@code acme-sites/<tenant>--demo--site} exist, as that tenant's {@code site} resource would have. */
  static Function<String, String> repositories() {
    return fullName -> fullName.startsWith(ORG + "/") && fullName.endsWith("--demo--site")
        ? "tw:" + fullName.substring(ORG.length() + 1, fullName.length() - "--demo--site".length()) + "/demo/site@000000000000"
        : null;
  }

  /** The plugin configuration section pointing at the fake, polling fast, allowing loopback http hooks. */
  static Map<String, Object> section(GitHubFake fake) {
    return new HashMap<>(Map.of("token", GitHubFake.TOKEN, "apiUrl", fake.baseUrl(), "timeout", "5s",
        "pollInterval", "5ms", "maxPollInterval", "20ms", "allowHttpHooks", true));
  }

  /** The plugin configuration pointing at the fake. */
  static Map<String, Map<String, Object>> config(GitHubFake fake) {
    return Map.of("github", section(fake));
  }

  /** 5xx and every kind of rate limit must be retryable; 401, a 403 that is no limit, and 422 permanent. */
  static List<ErrorCase> errorCases(GitHubFake fake) {
    return List.of(
        new ErrorCase("500 on the first call", () -> fake.inject(Fault.status(500).times(1)), true),
        new ErrorCase("403 secondary rate limit with retry-after", () -> {
          fake.rateLimits(GitHubFake.RateLimit.SECONDARY_403);
          fake.inject(Fault.rateLimited(Duration.ofSeconds(1)).times(1));
        }, true),
        new ErrorCase("429 primary rate limit", () -> {
          fake.rateLimits(GitHubFake.RateLimit.PRIMARY_429);
          fake.inject(Fault.rateLimited(Duration.ofSeconds(1)).times(1));
        }, true),
        new ErrorCase("403 forbidden", () -> fake.inject(Fault.status(403).times(1)), false),
        new ErrorCase("401 bad credentials", () -> fake.inject(Fault.status(401).times(1)), false),
        new ErrorCase("422 validation failed", () -> fake.inject(Fault.status(422).times(1)), false));
  }
}
