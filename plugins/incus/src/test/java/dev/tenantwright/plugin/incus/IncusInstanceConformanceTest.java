package dev.tenantwright.plugin.incus;

import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import dev.tenantwright.testkit.incus.ExecResult;
import dev.tenantwright.testkit.incus.IncusFake;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;

/**
 * Runs the plugin conformance kit on {@code incus.instance} against the Incus fake. The parameters include an
 * init command with a generated secret, so the kit also checks that the secret never leaks. No host port is
 * exposed: the kit provisions many tenants side by side, and one fixed port cannot serve them all. The type is
 * updatable, so the kit also checks that an update changes the instance in place and converges.
 */
class IncusInstanceConformanceTest extends ResourceTypeConformance<InstanceSpec, InstanceOutputs> {

  final IncusFake fake = new IncusFake();

  @AfterEach
  void contractAndClose() {
    try {
      fake.assertContractRespected();
    } finally {
      fake.close();
    }
  }

  @Override
  protected ResourceType<InstanceSpec, InstanceOutputs> type() {
    return new IncusInstanceType();
  }

  @Override
  protected Map<String, Object> params() {
    return Map.of(
        "image", IncusFake.DEFAULT_IMAGE,
        "memory", "256MiB",
        "environment", Map.of("CUSTOMER_ID", "${tenant.id}"),
        "initSecrets", Map.of("ADMIN_PASSWORD", "${secrets.conformance}"),
        "init", List.of(Map.of("command", List.of("/bin/touch", "/srv/initialised"))));
  }

  /** More memory, one variable changed and one added, a raw key: all applied in place by one PATCH. */
  @Override
  protected Map<String, Object> updatedParams() {
    return Map.of(
        "image", IncusFake.DEFAULT_IMAGE,
        "memory", "1GiB",
        "cpu", "2",
        "environment", Map.of("CUSTOMER_ID", "${tenant.id}", "PLAN", "gold"),
        "config", Map.of("snapshots.schedule", "@daily"),
        "initSecrets", Map.of("ADMIN_PASSWORD", "${secrets.conformance}"),
        "init", List.of(Map.of("command", List.of("/bin/touch", "/srv/initialised"))));
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Map.of("incus", Map.of("url", fake.baseUrl(), "addressTimeoutSeconds", 0));
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
    fake.plantInstance("default", resourceName, Map.of(InstanceSpec.OWNER_KEY, marker), true,
        List.of(IncusInstanceType.BASELINE));
  }

  @Override
  protected void plantForeignObject(String resourceName) {
    fake.plantInstance("default", resourceName, Map.of("user.owner", "someone else"), true, List.of());
  }

  /** Deletes the instance with {@code incus delete --force} by hand. */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    fake.removeInstance("default", resourceName);
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase("503 on create", () -> fake.inject(Fault.status(503).on(IncusFake.CREATE_INSTANCE).times(1)), true),
        new ErrorCase("500 on the lookup", () -> fake.inject(Fault.status(500).on(IncusFake.GET_INSTANCE).times(1)), true),
        new ErrorCase("429 on create", () -> fake.inject(Fault.rateLimited(Duration.ofSeconds(1))
            .on(IncusFake.CREATE_INSTANCE).times(1)), true),
        new ErrorCase("403 on create", () -> fake.inject(Fault.status(403).on(IncusFake.CREATE_INSTANCE).times(1)), false),
        new ErrorCase("a failed create operation", () -> fake.failNextOperation(IncusFake.CREATE_INSTANCE,
            "Failed creating instance record: quota exceeded"), false),
        new ErrorCase("a failing init command", () -> {
          AtomicBoolean once = new AtomicBoolean();
          fake.onExec((call, files) -> once.compareAndSet(false, true) ? ExecResult.output(2, "", "init failed")
              : IncusFake.BUILT_IN.handle(call, files));
        }, false));
  }
}
