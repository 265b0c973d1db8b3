package dev.tenantwright.plugin.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tenantwright.plugin.incus.InstanceSpec.Expose;
import dev.tenantwright.plugin.incus.InstanceSpec.InitCommand;
import dev.tenantwright.plugin.incus.internal.IncusInstance;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.TestStepContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code incus.instance} against the real {@code incusd}: launch from the test image, init commands through
 * exec, the container's httpd reached through the proxied host port on 127.0.0.1, reset to the baseline
 * snapshot, delete — each test in its own resource, all in a throw-away project.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncusInstanceIT {

  static final Duration WAIT = Duration.ofSeconds(30);
  static final Secret ADMIN_PASSWORD = Secret.generate(24);

  final IncusInstanceType type = new IncusInstanceType();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  RealIncus incus;

  @BeforeAll
  void project() {
    incus = new RealIncus("instance");
  }

  @AfterAll
  void cleanUp() {
    if (incus != null) {
      incus.close();
    }
  }

  TestStepContext ctx(String resource) {
    return TestStepContext.builder().step(resource).run("it-run").config(incus.config())
        .budget(Duration.ofMinutes(3)).realTime().build();
  }

  InstanceSpec spec(int hostPort, List<InitCommand> init) {
    return new InstanceSpec(incus.image, null, null, null, null, null, "1", "128MiB",
        Map.of("CUSTOMER_ID", "acme", "COMPANY_NAME", "ACME Corporation"), Map.of("ADMIN_PASSWORD", ADMIN_PASSWORD),
        null, init, List.of(Expose.tcp(hostPort, 8080)), null, null, null);
  }

  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String served(String url) {
    return await().atMost(WAIT).ignoreExceptions().until(() -> get(url), r -> r.statusCode() == 200).body();
  }

  @Test
  void launchesInitialisesServesThroughTheHostPortResetsAndDeletesAContainer() {
    int port = RealIncus.freePort();
    TestStepContext ctx = ctx("erp");
    InstanceSpec spec = spec(port, List.of(
        InitCommand.of("/bin/mkdir", "-p", "/srv/erp"),
        new InitCommand(List.of("/bin/cp", "/proc/sys/kernel/hostname", "/www/instance.txt"), Map.of("LANG", "C"),
            "/srv/erp", null, null)));

    CreateResult<InstanceOutputs> created = type.create(spec, ctx);

    InstanceOutputs out = created.outputs();
    assertThat(created.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(out.name()).isEqualTo("acme--demo--erp");
    assertThat(out.project()).isEqualTo(incus.project);
    assertThat(out.status()).isEqualTo("Running");
    assertThat(out.ipv4()).startsWith(incus.bridgePrefix());
    assertThat(out.url()).isEqualTo("http://127.0.0.1:" + port + "/");

    // The container's httpd, through the proxy device on the host port.
    assertThat(served(out.url())).contains("tenantwright-busybox ok");
    assertThat(served(out.url() + "instance.txt").strip()).isEqualTo("acme--demo--erp");
    // The customer's variables are in the instance; the init secret is not.
    assertThat(incus.exec(out.name(), "/usr/bin/env").stdout())
        .contains("CUSTOMER_ID=acme", "COMPANY_NAME=ACME Corporation")
        .doesNotContain(ADMIN_PASSWORD.reveal());
    IncusInstance inst = incus.api().instance(out.name()).orElseThrow();
    assertThat(inst.config()).containsEntry(InstanceSpec.OWNER_KEY, ctx.ownershipMarker())
        .doesNotContainValue(ADMIN_PASSWORD.reveal());

    // A second create converges on the same container.
    assertThat(type.create(spec, ctx).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(incus.instances()).containsExactly("acme--demo--erp");
    assertThat(type.read(spec, null, ctx)).get().extracting(InstanceOutputs::url).isEqualTo(out.url());

    // Data written after provisioning is gone after a reset; the port still answers.
    assertThat(incus.exec(out.name(), "/bin/touch", "/root/customer-data").exitCode()).isZero();
    assertThat(incus.exec(out.name(), "/usr/bin/test", "-e", "/root/customer-data").exitCode()).isZero();
    InstanceOutputs reset = type.reset(spec, out, ctx);
    assertThat(reset.status()).isEqualTo("Running");
    assertThat(incus.exec(out.name(), "/usr/bin/test", "-e", "/root/customer-data").exitCode()).isEqualTo(1);
    assertThat(incus.exec(out.name(), "/usr/bin/test", "-e", "/www/instance.txt").exitCode()).isZero();
    assertThat(served(out.url())).contains("tenantwright-busybox ok");

    // Delete twice; nothing of ours is left and the host port is closed again.
    type.delete(spec, out, ctx);
    type.delete(spec, out, ctx);
    assertThat(incus.instances()).isEmpty();
    assertThat(type.read(spec, out, ctx)).isEmpty();
    await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> get(out.url())).isInstanceOf(ConnectException.class));
  }

  @Test
  void updatesLimitsEnvironmentAndTheHostPortInPlaceWithoutTouchingDataAndUpdatesBack() {
    int port = RealIncus.freePort();
    int otherPort = RealIncus.freePort();
    TestStepContext ctx = ctx("upd");
    InstanceSpec before = spec(port, List.of(InitCommand.of("/bin/cp", "/proc/sys/kernel/hostname", "/www/instance.txt")));
    InstanceOutputs created = type.create(before, ctx).outputs();
    assertThat(served(created.url())).contains("tenantwright-busybox ok");
    assertThat(incus.exec(created.name(), "/bin/touch", "/root/customer-data").exitCode()).isZero();
    InstanceSpec after = new InstanceSpec(incus.image, null, null, null, null, null, "1", "192MiB",
        Map.of("CUSTOMER_ID", "acme", "PLAN", "gold"), Map.of("ADMIN_PASSWORD", ADMIN_PASSWORD), null, before.init(),
        List.of(Expose.tcp(otherPort, 8080)), null, null, null);

    InstanceOutputs updated = type.update(after, before, created, ctx);

    assertThat(updated.url()).isEqualTo("http://127.0.0.1:" + otherPort + "/");
    assertThat(served(updated.url())).contains("tenantwright-busybox ok");
    await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> get(created.url()))
        .isInstanceOf(ConnectException.class));
    IncusInstance inst = incus.api().instance(created.name()).orElseThrow();
    assertThat(inst.config()).containsEntry("limits.memory", "192MiB").containsEntry("environment.PLAN", "gold")
        .doesNotContainKey("environment.COMPANY_NAME");
    // A new variable reaches exec at once; a removed one stays visible to exec until the next restart (Incus
    // keeps the environment the container booted with) — the README says so, and the fake models it.
    assertThat(incus.exec(created.name(), "/usr/bin/env").stdout()).contains("PLAN=gold");
    assertThat(incus.exec(created.name(), "/usr/bin/test", "-e", "/root/customer-data").exitCode())
        .as("the update never touches the instance's data").isZero();
    assertThat(inst.running()).isTrue();

    // The engine's rollback: the same call with the specs swapped.
    InstanceOutputs restored = type.update(before, after, updated, ctx);
    assertThat(restored.url()).isEqualTo(created.url());
    assertThat(served(restored.url())).contains("tenantwright-busybox ok");
    assertThat(incus.api().instance(created.name()).orElseThrow().config()).containsEntry("limits.memory", "128MiB")
        .containsEntry("environment.COMPANY_NAME", "ACME Corporation").doesNotContainKey("environment.PLAN");

    type.delete(before, restored, ctx);
    assertThat(incus.instances()).doesNotContain(created.name());
  }

  @Test
  void aFailingInitCommandFailsTheCreateAndLeavesNoContainer() {
    TestStepContext ctx = ctx("broken");
    InstanceSpec spec = spec(RealIncus.freePort(), List.of(InitCommand.of("/bin/mkdir", "-p", "/srv/erp"),
        InitCommand.of("/bin/ls", "/no/such/dir")));

    assertThatThrownBy(() -> type.create(spec, ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("init command 2 of 2 (/bin/ls) in instance acme--demo--broken exited with code 1")
        .hasMessageContaining("No such file or directory")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(ADMIN_PASSWORD.reveal()));
    assertThat(incus.instances()).doesNotContain("acme--demo--broken");
  }

  @Test
  void aMissingInitProgramFailsTheCreateAndLeavesNoContainer() {
    TestStepContext ctx = ctx("missing");
    InstanceSpec spec = spec(RealIncus.freePort(), List.of(InitCommand.of("/opt/erp/bin/no-such-program")));

    assertThatThrownBy(() -> type.create(spec, ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("init command 1 of 1 (/opt/erp/bin/no-such-program)")
        .hasMessageContaining("Command not found");
    assertThat(incus.instances()).doesNotContain("acme--demo--missing");
  }

  @Test
  void anInstanceOfSomeoneElseIsAConflictAndIsNotTouched() {
    TestStepContext ctx = ctx("foreign");
    InstanceSpec spec = spec(RealIncus.freePort(), List.of());
    type.create(spec, ctx("foreign"));
    TestStepContext stranger = ctx("foreign").newBuilder().tenant("other").resourceName("acme--demo--foreign").build();

    assertThatThrownBy(() -> type.create(spec, stranger))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("already exists in project " + incus.project);
    type.delete(spec, null, stranger);
    assertThat(incus.instances()).contains("acme--demo--foreign");

    type.delete(spec, null, ctx);
    assertThat(incus.instances()).doesNotContain("acme--demo--foreign");
  }
}
