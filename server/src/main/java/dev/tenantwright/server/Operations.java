package dev.tenantwright.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The SDK calls behind the API's run-starting requests, by name, so that a request held for approval runs later
 * exactly as it was asked: {@code provision}, {@code update}, {@code redeploy}, {@code reset}, {@code promote},
 * {@code retry}, {@code destroy}, and {@code delete-tenant} (which runs in the background: it waits for every
 * environment to be destroyed).
 */
final class Operations {

  static final Set<String> ENVIRONMENT_ACTIONS = Set.of("update", "redeploy", "reset", "promote", "retry");

  private final Tenantwright tw;
  private final ExecutorService background;
  private final ParameterDefaults defaults;

  /** Fills in blueprint parameters a request left out (the sandbox's), or nothing. */
  interface ParameterDefaults {
    RunOptions apply(String tenantId, String environment, RunOptions options);
  }

  Operations(Tenantwright tw, ExecutorService background, ParameterDefaults defaults) {
    this.tw = tw;
    this.background = background;
    this.defaults = defaults;
  }

  /** Runs the operation: a {@code Run} for environments, the {@code Tenant} (being deleted) for delete-tenant. */
  Object execute(String operation, String tenantId, String environment, ObjectNode body, RunOptions options) {
    return switch (operation) {
      case "provision" -> provision(tenantId, body, options);
      case "update" -> tw.environments().update(tenantId, environment, defaults.apply(tenantId, environment, options));
      case "redeploy" -> tw.environments().redeploy(tenantId, environment,
          defaults.apply(tenantId, environment, options));
      case "reset" -> tw.environments().reset(tenantId, environment, options);
      case "promote" -> tw.environments().promote(tenantId, environment, options);
      case "retry" -> tw.environments().retry(tenantId, environment, options);
      case "destroy" -> tw.environments().destroy(tenantId, environment, options);
      case "delete-tenant" -> deleteTenant(tenantId, options);
      default -> throw new IllegalArgumentException("no operation " + operation);
    };
  }

  /** The environment a provision request makes: {@code [site-]demo}, {@code [site-]live}, {@code [site-]test-name}. */
  static String environmentOf(ObjectNode body) {
    EnvironmentKind kind = kind(body);
    String site = Requests.text(body, "site");
    String prefix = site == null || site.equals("main") ? "" : site + "-";
    return switch (kind) {
      case DEMO -> prefix + "demo";
      case LIVE -> prefix + "live";
      case TEST -> prefix + "test-" + Requests.requiredText(body, "name");
    };
  }

  private Object provision(String tenantId, ObjectNode body, RunOptions options) {
    EnvironmentKind kind = kind(body);
    String site = Requests.text(body, "site");
    String name = Requests.text(body, "name");
    RunOptions o = defaults.apply(tenantId, environmentOf(body), options);
    if (kind == EnvironmentKind.TEST) {
      if (name == null) {
        throw ApiException.invalid("name", "a test instance needs a 'name'");
      }
      return site == null ? tw.environments().createTest(tenantId, name, o)
          : tw.environments().createTest(tenantId, site, name, o);
    }
    if (name != null) {
      throw ApiException.invalid("name", "only a TEST environment has a 'name'");
    }
    return site == null ? tw.environments().provision(tenantId, kind, o)
        : tw.environments().provision(tenantId, site, kind, o);
  }

  private static EnvironmentKind kind(ObjectNode body) {
    String raw = Requests.requiredText(body, "kind");
    try {
      return EnvironmentKind.valueOf(raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("kind", "'kind' must be DEMO, LIVE or TEST");
    }
  }

  /**
   * Deletes the tenant in the background (it waits for every environment's destroy). Live without an approval is
   * refused before anything starts, so the policy's refusal comes back to the caller: the call waits up to two
   * seconds for such an early answer.
   */
  private Object deleteTenant(String tenantId, RunOptions options) {
    var future = background.submit(() -> tw.tenants().delete(tenantId, options, Duration.ofMinutes(30)));
    try {
      return future.get(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return tw.tenants().get(tenantId);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
