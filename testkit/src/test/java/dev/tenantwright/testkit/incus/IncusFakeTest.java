package dev.tenantwright.testkit.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.testkit.Fault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IncusFakeTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String CREATE_BODY = "{\"name\":\"c1\",\"type\":\"container\",\"source\":{\"type\":\"image\","
      + "\"alias\":\"test-image\"},\"profiles\":[\"default\"],\"config\":{\"environment.FOO\":\"bar\","
      + "\"user.tenantwright.owner\":\"tw:x\"},\"devices\":{\"tw-tcp-24001\":{\"type\":\"proxy\","
      + "\"listen\":\"tcp:127.0.0.1:24001\",\"connect\":\"tcp:127.0.0.1:8080\"}}}";

  final IncusFake fake = new IncusFake();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    fake.close();
  }

  record Answer(int status, JsonNode body, HttpResponse<String> raw) {}

  Answer call(String method, String path, String body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUrl() + path)).timeout(Duration.ofSeconds(10));
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        b.header("Content-Type", "application/json");
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode parsed = r.body().startsWith("{") ? JSON.readTree(r.body()) : null;
      return new Answer(r.statusCode(), parsed, r);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts an operation and waits for it, returning the wait's body. */
  JsonNode run(String method, String path, String body) {
    Answer a = call(method, path, body);
    assertThat(a.status()).as(a.raw().body()).isEqualTo(202);
    assertThat(a.raw().headers().firstValue("Location")).hasValue(a.body().path("operation").asText());
    assertThat(a.body().path("type").asText()).isEqualTo("async");
    return call("GET", a.body().path("operation").asText() + "/wait?timeout=5", null).body();
  }

  JsonNode created() {
    JsonNode waited = run("POST", "/1.0/instances", CREATE_BODY);
    assertThat(waited.path("metadata").path("status_code").asInt()).isEqualTo(200);
    return waited;
  }

  @Test
  void createsAnInstanceThroughAnOperationAndReportsItWithProfileDevices() {
    created();
    JsonNode inst = call("GET", "/1.0/instances/c1", null).body().path("metadata");
    assertThat(inst.path("status").asText()).isEqualTo("Stopped");
    assertThat(inst.path("config").path("environment.FOO").asText()).isEqualTo("bar");
    assertThat(inst.path("expanded_devices").has("eth0")).isTrue();
    assertThat(inst.path("devices").path("tw-tcp-24001").path("listen").asText()).isEqualTo("tcp:127.0.0.1:24001");
    assertThat(fake.liveObjects()).containsExactly("instance default/c1 (Stopped, 0 snapshot(s))");
    fake.assertContractRespected();
  }

  @Test
  void creatingATakenNameIsASynchronous500OrAFailedOperationLikeIncus60() {
    created();
    Answer sync = call("POST", "/1.0/instances", CREATE_BODY);
    assertThat(sync.status()).isEqualTo(500);
    assertThat(sync.body().path("error").asText()).isEqualTo("Instance \"c1\" already exists");

    fake.duplicateCreateFailsInOperation(true);
    JsonNode waited = run("POST", "/1.0/instances", CREATE_BODY);
    assertThat(waited.path("type").asText()).isEqualTo("error");
    assertThat(waited.path("error").asText()).contains("UNIQUE constraint failed");
    fake.assertContractRespected();
  }

  @Test
  void aFailedOperationsWaitCanAlsoAnswerTheDocumentedSyncEnvelope() {
    created();
    fake.failedWaitsAsErrorEnvelope(false);
    JsonNode waited = run("PUT", "/1.0/instances/c1/state", "{\"action\":\"stop\",\"force\":true}");
    assertThat(waited.path("type").asText()).isEqualTo("sync");
    assertThat(waited.path("metadata").path("status_code").asInt()).isEqualTo(400);
    assertThat(waited.path("metadata").path("err").asText()).isEqualTo("The instance is already stopped");
    fake.assertContractRespected();
  }

  @Test
  void startWhenRunningAndDeleteWhenRunningFailAsInIncus() {
    created();
    assertThat(run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}").path("metadata").path("status_code")
        .asInt()).isEqualTo(200);
    JsonNode again = run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}");
    assertThat(again.path("error").asText()).isEqualTo("The instance is already running");

    Answer delete = call("DELETE", "/1.0/instances/c1", null);
    assertThat(delete.status()).isEqualTo(400);
    assertThat(delete.body().path("error").asText()).isEqualTo("Instance is running");

    run("PUT", "/1.0/instances/c1/state", "{\"action\":\"stop\",\"force\":true}");
    assertThat(run("DELETE", "/1.0/instances/c1", null).path("metadata").path("status_code").asInt()).isEqualTo(200);
    assertThat(call("DELETE", "/1.0/instances/c1", null).status()).isEqualTo(404);
    assertThat(call("GET", "/1.0/instances/c1", null).status()).isEqualTo(404);
    fake.assertNothingLeaked();
    fake.assertContractRespected();
  }

  @Test
  void execRecordsOutputAndExitCodeAndSeesTheInstanceEnvironment() {
    created();
    run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}");
    fake.onExec((call, files) -> ExecResult.output(3, "out " + call.environment().get("FOO"), "err"));
    JsonNode waited = run("POST", "/1.0/instances/c1/exec", "{\"command\":[\"/bin/init\",\"--x\"],"
        + "\"environment\":{\"BAR\":\"baz\"},\"record-output\":true,\"wait-for-websocket\":false,\"interactive\":false}");
    JsonNode md = waited.path("metadata").path("metadata");
    assertThat(md.path("return").asInt()).isEqualTo(3);
    String stdout = md.path("output").path("1").asText();
    assertThat(call("GET", stdout, null).raw().body()).isEqualTo("out bar");
    assertThat(call("DELETE", stdout, null).status()).isEqualTo(200);
    assertThat(call("GET", stdout, null).status()).isEqualTo(404);
    assertThat(fake.execs()).singleElement().satisfies(c -> {
      assertThat(c.command()).containsExactly("/bin/init", "--x");
      assertThat(c.requestEnvironment()).containsExactly(Map.entry("BAR", "baz"));
    });

    fake.onExec((call, files) -> ExecResult.notFound());
    JsonNode missing = run("POST", "/1.0/instances/c1/exec", "{\"command\":[\"/nope\"],\"record-output\":true}");
    assertThat(missing.path("error").asText()).isEqualTo("Command not found");
    fake.assertContractRespected();
  }

  /** As Incus 6.0.4 does: a removed environment key stays visible to exec until the instance restarts. */
  @Test
  void aRemovedEnvironmentKeyStaysVisibleToExecUntilTheNextRestart() {
    created();
    assertThat(call("PATCH", "/1.0/instances/c1", "{\"config\":{\"environment.OLD\":\"1\"}}").status())
        .isEqualTo(200);
    run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}");
    fake.onExec((call, files) -> ExecResult.output(0, call.environment().toString(), ""));
    assertThat(call("PATCH", "/1.0/instances/c1", "{\"config\":{\"environment.OLD\":\"\",\"environment.NEW\":\"2\"}}")
        .status()).isEqualTo(200);
    run("POST", "/1.0/instances/c1/exec", "{\"command\":[\"env\"],\"record-output\":true}");
    assertThat(fake.execs().get(0).environment()).containsEntry("OLD", "1").containsEntry("NEW", "2");

    run("PUT", "/1.0/instances/c1/state", "{\"action\":\"restart\"}");
    run("POST", "/1.0/instances/c1/exec", "{\"command\":[\"env\"],\"record-output\":true}");
    assertThat(fake.execs().get(1).environment()).doesNotContainKey("OLD").containsEntry("NEW", "2");
    fake.assertContractRespected();
  }

  @Test
  void restoringASnapshotBringsBackFilesAndDevicesAndKeepsItRunning() {
    created();
    run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}");
    run("POST", "/1.0/instances/c1/snapshots", "{\"name\":\"base\",\"stateful\":false}");
    run("POST", "/1.0/instances/c1/exec", "{\"command\":[\"touch\",\"/root/dirty\"],\"record-output\":true}");
    assertThat(fake.instance("default", "c1").orElseThrow().files()).containsKey("/root/dirty");
    assertThat(call("PATCH", "/1.0/instances/c1", "{\"devices\":{\"extra\":{\"type\":\"proxy\","
        + "\"listen\":\"tcp:127.0.0.1:24002\",\"connect\":\"tcp:127.0.0.1:80\"}}}").status()).isEqualTo(200);

    JsonNode again = run("POST", "/1.0/instances/c1/snapshots", "{\"name\":\"base\"}");
    assertThat(again.path("error").asText()).contains("already exists");
    assertThat(run("PUT", "/1.0/instances/c1", "{\"restore\":\"base\"}").path("metadata").path("status_code").asInt())
        .isEqualTo(200);

    InstanceView restored = fake.instance("default", "c1").orElseThrow();
    assertThat(restored.files()).doesNotContainKey("/root/dirty");
    assertThat(restored.devices()).containsOnlyKeys("tw-tcp-24001");
    assertThat(restored.running()).isTrue();
    assertThat(call("GET", "/1.0/instances/c1/snapshots/base", null).status()).isEqualTo(200);
    assertThat(call("GET", "/1.0/instances/c1/snapshots/nope", null).status()).isEqualTo(404);
    assertThat(call("GET", "/1.0/instances/c1/snapshots?recursion=1", null).body().path("metadata").get(0)
        .path("name").asText()).isEqualTo("base");
    fake.assertContractRespected();
  }

  @Test
  void aHostPortTakenByAnotherRunningInstanceMakesStartFail() {
    created();
    run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}");
    run("POST", "/1.0/instances", CREATE_BODY.replace("\"c1\"", "\"c2\""));
    JsonNode start = run("PUT", "/1.0/instances/c2/state", "{\"action\":\"start\"}");
    assertThat(start.path("error").asText()).contains("bind: address already in use");
    assertThat(fake.instance("default", "c2").orElseThrow().status()).isEqualTo("Stopped");
  }

  @Test
  void operationsCanRunForSeveralWaitsAndAreForgottenAfterTheirRetention() {
    fake.operationsRunFor(2);
    Answer a = call("POST", "/1.0/instances", CREATE_BODY);
    String wait = a.body().path("operation").asText() + "/wait?timeout=1";
    assertThat(call("GET", wait, null).body().path("metadata").path("status_code").asInt()).isEqualTo(103);
    assertThat(call("GET", wait, null).body().path("metadata").path("status_code").asInt()).isEqualTo(103);
    assertThat(call("GET", wait, null).body().path("metadata").path("status_code").asInt()).isEqualTo(200);

    fake.operationsRunFor(0).operationRetention(Duration.ZERO);
    Answer b = call("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}");
    assertThat(call("GET", b.body().path("operation").asText() + "/wait?timeout=1", null).status()).isEqualTo(404);
    assertThat(fake.instance("default", "c1").orElseThrow().running()).isTrue();
    fake.assertContractRespected();
  }

  @Test
  void anOperationFaultFailsTheNextOperationOfARouteWithoutItsChange() {
    created();
    fake.failNextOperation(IncusFake.PUT_STATE, "boom");
    assertThat(run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}").path("error").asText())
        .isEqualTo("boom");
    assertThat(fake.instance("default", "c1").orElseThrow().running()).isFalse();
    assertThat(run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}").path("metadata").path("status_code")
        .asInt()).isEqualTo(200);
    assertThatThrownBy(() -> fake.failNextOperation("PUT /nope", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void httpFaultsAndTheAfterCallHookWork() {
    AtomicInteger seen = new AtomicInteger();
    fake.afterEachCall(seen::set);
    fake.inject(Fault.status(503).on(IncusFake.CREATE_INSTANCE).times(1));
    assertThat(call("POST", "/1.0/instances", CREATE_BODY).status()).isEqualTo(503);
    assertThat(fake.liveObjects()).isEmpty();
    created();
    assertThat(seen.get()).isEqualTo(2);
    assertThat(fake.calls(IncusFake.CREATE_INSTANCE)).isEqualTo(2);
  }

  @Test
  void projectsIsolateInstancesAndListingsNameTheirProject() {
    assertThat(call("POST", "/1.0/projects", "{\"name\":\"p1\",\"config\":{\"features.images\":\"false\","
        + "\"features.profiles\":\"false\"}}").status()).isEqualTo(201);
    run("POST", "/1.0/instances?project=p1", CREATE_BODY);
    assertThat(call("GET", "/1.0/instances", null).body().path("metadata")).isEmpty();
    assertThat(call("GET", "/1.0/instances?project=p1", null).body().path("metadata").get(0).asText())
        .isEqualTo("/1.0/instances/c1?project=p1");
    assertThat(call("GET", "/1.0/instances?project=p1&recursion=1", null).body().path("metadata").get(0)
        .path("project").asText()).isEqualTo("p1");
    assertThat(call("DELETE", "/1.0/projects/p1", null).status()).isEqualTo(400);
    assertThat(call("GET", "/1.0/instances?project=nope", null).status()).isEqualTo(404);
    assertThat(fake.projects()).containsExactly("default", "p1");
    fake.assertContractRespected();
  }

  @Test
  void invalidRequestsAreRefusedLikeIncusAndReportedByTheContract() {
    assertThat(call("POST", "/1.0/instances", "{\"name\":\"c_1\",\"source\":{\"type\":\"image\",\"alias\":\"test-image\"}}")
        .body().path("error").asText()).startsWith("Invalid instance name");
    assertThat(call("POST", "/1.0/instances", "{\"name\":\"c1\",\"profiles\":[\"nope\"],\"source\":{\"type\":\"image\","
        + "\"alias\":\"test-image\"}}").status()).isEqualTo(500);
    assertThat(run("POST", "/1.0/instances", "{\"name\":\"c1\",\"source\":{\"type\":\"image\",\"alias\":\"nope\"}}")
        .path("error").asText()).isEqualTo("Image not provided for instance creation");
    assertThat(run("POST", "/1.0/instances", "{\"name\":\"c1\",\"config\":{\"limits.memory\":\"lots\"},"
        + "\"source\":{\"type\":\"image\",\"alias\":\"test-image\"}}").path("error").asText()).endsWith("Invalid value: lots");
    fake.assertContractRespected();

    call("POST", "/1.0/instances", "{\"name\":42,\"ephemeral\":\"yes\",\"source\":{\"type\":\"image\"}}");
    List<String> violations = fake.contractViolations();
    assertThat(violations).anySatisfy(v -> assertThat(v).contains("/name"));
    assertThat(violations).anySatisfy(v -> assertThat(v).contains("/ephemeral"));
  }

  Answer call(String method, String path, String body, String ifMatch) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fake.baseUrl() + path)).timeout(Duration.ofSeconds(10))
          .method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
          .header("If-Match", ifMatch);
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body().startsWith("{") ? JSON.readTree(r.body()) : null, r);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String etag(String instance) {
    return call("GET", "/1.0/instances/" + instance, null).raw().headers().firstValue("ETag").orElseThrow();
  }

  @Test
  void patchMergesConfigUnsetsEmptyKeysKeepsOtherDevicesAndHonoursTheEtag() {
    created();
    String etag = etag("c1");
    assertThat(etag).startsWith("\"").endsWith("\"").hasSize(66);

    Answer patched = call("PATCH", "/1.0/instances/c1", "{\"config\":{\"limits.memory\":\"1GiB\",\"environment.FOO\":\"\"},"
        + "\"devices\":{\"tw-tcp-24002\":{\"type\":\"proxy\",\"listen\":\"tcp:127.0.0.1:24002\","
        + "\"connect\":\"tcp:127.0.0.1:80\"}}}", etag);
    assertThat(patched.status()).as(patched.raw().body()).isEqualTo(200);
    InstanceView inst = fake.instance("default", "c1").orElseThrow();
    assertThat(inst.config()).containsEntry("limits.memory", "1GiB").containsEntry("user.tenantwright.owner", "tw:x")
        .doesNotContainKey("environment.FOO");
    assertThat(inst.devices()).containsOnlyKeys("tw-tcp-24001", "tw-tcp-24002");

    Answer stale = call("PATCH", "/1.0/instances/c1", "{\"config\":{\"limits.memory\":\"2GiB\"}}", etag);
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.body().path("error").asText()).startsWith("ETag doesn't match: ");
    assertThat(call("PUT", "/1.0/instances/c1", "{\"config\":{}}", etag).status()).isEqualTo(412);
    assertThat(fake.instance("default", "c1").orElseThrow().config()).containsEntry("limits.memory", "1GiB");

    Answer invalid = call("PATCH", "/1.0/instances/c1", "{\"config\":{\"limits.memory\":\"lots\"}}", etag("c1"));
    assertThat(invalid.status()).isEqualTo(500);
    assertThat(invalid.body().path("error").asText()).isEqualTo("Invalid config: Invalid value: lots");
    fake.assertContractRespected();
  }

  @Test
  void aFullPutReplacesConfigAndDevicesSoItCanRemoveADevice() {
    created();
    JsonNode waited = run("PUT", "/1.0/instances/c1", "{\"config\":{\"user.tenantwright.owner\":\"tw:x\"},"
        + "\"devices\":{},\"profiles\":[\"default\"]}");
    assertThat(waited.path("metadata").path("status_code").asInt()).isEqualTo(200);
    InstanceView inst = fake.instance("default", "c1").orElseThrow();
    assertThat(inst.devices()).isEmpty();
    assertThat(inst.config()).containsOnlyKeys("user.tenantwright.owner");
    fake.assertContractRespected();
  }

  static final String VM_BODY = CREATE_BODY.replace("\"type\":\"container\"", "\"type\":\"virtual-machine\"");

  @Test
  void aVirtualMachineTakesOnlyNatProxiesAndLiveUpdatableKeysWhileRunning() {
    JsonNode refused = run("POST", "/1.0/instances", VM_BODY);
    assertThat(refused.path("error").asText()).isEqualTo("Invalid devices: Device validation failed for "
        + "\"tw-tcp-24001\": Only NAT mode is supported for proxies on VM instances");
    assertThat(fake.liveObjects()).isEmpty();

    run("POST", "/1.0/instances", VM_BODY.replace(",\"devices\":{\"tw-tcp-24001\":{\"type\":\"proxy\","
        + "\"listen\":\"tcp:127.0.0.1:24001\",\"connect\":\"tcp:127.0.0.1:8080\"}}", ""));
    run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}");
    assertThat(call("PATCH", "/1.0/instances/c1", "{\"config\":{\"limits.memory\":\"2GiB\","
        + "\"environment.A\":\"b\",\"limits.cpu\":\"2\"}}", etag("c1")).status()).isEqualTo(200);
    Answer nesting = call("PATCH", "/1.0/instances/c1", "{\"config\":{\"security.nesting\":\"true\"}}", etag("c1"));
    assertThat(nesting.status()).isEqualTo(500);
    assertThat(nesting.body().path("error").asText()).isEqualTo("Key \"security.nesting\" cannot be updated when VM is running");
    assertThat(fake.instance("default", "c1").orElseThrow().config()).containsEntry("limits.memory", "2GiB")
        .doesNotContainKey("security.nesting");
    fake.assertContractRespected();
  }

  @Test
  void aStartedVirtualMachinesAgentAnswersExecOnlyAfterTheConfiguredAttempts() {
    fake.vmAgentStartsAfter(2);
    run("POST", "/1.0/instances", VM_BODY.replace("\"tw-tcp-24001\":{\"type\":\"proxy\",", "\"tw-tcp-24001\":{\"type\":\"proxy\",\"nat\":\"true\","));
    run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}");
    String exec = "{\"command\":[\"true\"],\"record-output\":true}";
    assertThat(run("POST", "/1.0/instances/c1/exec", exec).path("error").asText()).isEqualTo("VM agent isn't currently running");
    assertThat(run("POST", "/1.0/instances/c1/exec", exec).path("error").asText()).isEqualTo("VM agent isn't currently running");
    assertThat(run("POST", "/1.0/instances/c1/exec", exec).path("metadata").path("metadata").path("return").asInt()).isZero();
    assertThat(call("GET", "/1.0/instances/c1/state", null).body().path("metadata").path("network").path("eth0")
        .path("addresses").get(0).path("address").asText()).as("the DHCP lease is there before the agent").startsWith("10.77.0.");
    fake.assertContractRespected();
  }

  @Test
  void anInstanceIsBusyWhileItsCreateOperationRunsAndTheOperationIsListed() {
    fake.operationsRunFor(1_000);
    Answer create = call("POST", "/1.0/instances", CREATE_BODY);
    String op = create.body().path("operation").asText();
    fake.operationsRunFor(0);
    assertThat(call("GET", "/1.0/operations", null).body().path("metadata").path("running"))
        .extracting(JsonNode::asText).containsExactly(op);
    assertThat(call("GET", "/1.0/operations/" + op.substring(op.lastIndexOf('/') + 1), null).body().path("metadata")
        .path("resources").path("instances").get(0).asText()).isEqualTo("/1.0/instances/c1");
    assertThat(run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}").path("error").asText())
        .isEqualTo("Instance is busy running a \"create\" operation");
    assertThat(run("DELETE", "/1.0/instances/c1", null).path("error").asText())
        .isEqualTo("Instance is busy running a \"create\" operation");

    fake.finishRunningOperations();
    assertThat(call("GET", "/1.0/operations", null).body().path("metadata").has("running")).isFalse();
    assertThat(run("PUT", "/1.0/instances/c1/state", "{\"action\":\"start\"}").path("metadata").path("status_code")
        .asInt()).isEqualTo(200);
    fake.assertContractRespected();
  }

  @Test
  void anInstanceFromARemoteImageAppearsOnlyWhenItsCreateOperationEnds() {
    fake.operationsRunFor(1);
    Answer create = call("POST", "/1.0/instances", CREATE_BODY.replace("\"alias\":\"test-image\"",
        "\"alias\":\"debian/12\",\"server\":\"https://images.linuxcontainers.org\",\"protocol\":\"simplestreams\",\"mode\":\"pull\""));
    assertThat(call("GET", "/1.0/instances/c1", null).status()).isEqualTo(404);
    fake.operationsRunFor(0);
    assertThat(run("POST", "/1.0/instances", CREATE_BODY).path("error").asText())
        .isEqualTo("Instance is busy running a \"create\" operation");

    call("GET", create.body().path("operation").asText() + "/wait?timeout=1", null);
    assertThat(call("GET", "/1.0/instances/c1", null).status()).isEqualTo(200);
    fake.assertContractRespected();
  }

  @Test
  void aNewProjectWithItsOwnProfilesHasAnEmptyDefaultProfileSoACreateFindsNoRootDisk() {
    assertThat(call("POST", "/1.0/projects", "{\"name\":\"p2\"}").status()).isEqualTo(201);
    JsonNode profile = call("GET", "/1.0/profiles/default?project=p2", null).body().path("metadata");
    assertThat(profile.path("devices").isEmpty()).isTrue();
    assertThat(profile.path("project").asText()).isEqualTo("p2");
    assertThat(call("GET", "/1.0/profiles/default", null).body().path("metadata").path("devices").has("root")).isTrue();
    assertThat(call("GET", "/1.0/profiles/nope", null).status()).isEqualTo(404);

    JsonNode failed = run("POST", "/1.0/instances?project=p2", CREATE_BODY);
    assertThat(failed.path("error").asText())
        .isEqualTo("Invalid devices: Failed detecting root disk device: No root device could be found");
    fake.project("p3");
    assertThat(call("GET", "/1.0/profiles/default?project=p3", null).body().path("metadata").path("devices").has("root"))
        .as("a project without features.profiles uses the default project's").isTrue();
    fake.assertContractRespected();
  }
}
