package dev.tenantwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples of testkit/README.md, compiled and run. Keep the two in step. */
class ReadmeExampleTest {

  // WRITING-A-FAKE-BEGIN
  static final class ProjectsFake extends BackendFake {
    private final Map<String, ObjectNode> projects = new LinkedHashMap<>();

    ProjectsFake() {
      super("projects");
      on("POST", "/v1/projects", req -> {
        String name = req.json().path("name").asText();
        if (projects.containsKey(name)) {
          return errorResponse(409, "a project named " + name + " already exists");
        }
        ObjectNode project = newObject().put("id", "prj_" + (projects.size() + 1)).put("name", name);
        projects.put(name, project);
        return RouteResponse.json(200, project);
      });
      on("GET", "/v1/projects/{name}", req -> projects.containsKey(req.pathParam("name"))
          ? RouteResponse.json(200, projects.get(req.pathParam("name")))
          : errorResponse(404, "project " + req.pathParam("name") + " not found"));
      on("DELETE", "/v1/projects/{name}", req -> projects.remove(req.pathParam("name")) != null
          ? RouteResponse.empty(204)
          : errorResponse(404, "project " + req.pathParam("name") + " not found"));
    }

    @Override
    public synchronized Collection<String> liveObjects() {
      return List.copyOf(projects.keySet());
    }
  }
  // WRITING-A-FAKE-END

  @Test
  void aFakeCountsCallsShowsLeaksAndTakesFaults() {
    try (ProjectsFake fake = new ProjectsFake()) {
      Http client = new Http(fake.baseUrl());                 // your plugin's client goes here

      // FAULTS-BEGIN
      fake.inject(Fault.rateLimited(Duration.ofSeconds(1)).on("POST /v1/projects").times(1));
      fake.inject(Fault.timeout(Duration.ofSeconds(30)).on("DELETE /v1/projects/{name}").afterHandler().nth(1));
      // FAULTS-END

      assertThat(client.post("/v1/projects", "{\"name\":\"acme\"}").statusCode()).isEqualTo(429);
      assertThat(client.post("/v1/projects", "{\"name\":\"acme\"}").statusCode()).isEqualTo(200);
      assertThat(fake.calls("POST /v1/projects")).isEqualTo(2);   // faulted calls count too
      assertThatThrownBy(fake::assertNothingLeaked).hasMessageContaining("acme");

      fake.clearFaults();
      client.delete("/v1/projects/acme");
      fake.assertNothingLeaked();
    }
  }

  @Test
  void contractValidation() {
    // CONTRACT-BEGIN
    OpenApiContract widgets = OpenApiContract.load(
        ReadmeExampleTest.class.getResource("/widgets/widgets-openapi.yaml"),
        SpecReducer.keeping("/v1/widgets", "/v1/widgets/{id}"));
    try (WidgetsFake fake = new WidgetsFake()) {
      fake.validateAgainst(widgets);

      new Http(fake.baseUrl()).post("/v1/widgets", "{\"name\":\"ok\"}");

      fake.assertContractRespected();
    }
    // CONTRACT-END
  }

  @Test
  void contractValidationAgainstThePublishedDocuments() {
    for (String name : List.of("vercel-openapi-2025-10-27.json", "cloudflare-openapi-2024-08-07.json",
        "incus-rest-api.yaml")) {
      TestSpecs.file(name);                                     // skips without them; checks their SHA-256
    }
    Path published = TestSpecs.folder();
    // PUBLISHED-CONTRACTS-BEGIN
    // published: the folder the documents were downloaded to (see "Upkeep of the reduced copies")
    OpenApiContract vercel = OpenApiContract.load(published.resolve("vercel-openapi-2025-10-27.json"),
        SpecReducer.keeping("/v11/projects", "/v9/projects/{idOrName}"));
    OpenApiContract cloudflare = OpenApiContract.load(published.resolve("cloudflare-openapi-2024-08-07.json"),
        SpecReducer.cloudflare("/zones/{zone_id}/dns_records", "/zones/{zone_id}/dns_records/{dns_record_id}"));
    OpenApiContract incus = OpenApiContract.load(published.resolve("incus-rest-api.yaml"),
        SpecReducer.incus("/1.0/instances", "/1.0/operations/{id}/wait"));
    // PUBLISHED-CONTRACTS-END
    assertThat(vercel.checkRequest("POST", "/v11/projects",
        Map.of("Authorization", "Bearer t", "Content-Type", "application/json"), "{\"name\":\"acme\"}")).isEmpty();
    assertThat(List.of(cloudflare.name(), incus.name()))
        .containsExactly("cloudflare-openapi-2024-08-07.json", "incus-rest-api.yaml");
  }

  @Test
  void fakeCommandRunner() {
    // COMMAND-RUNNER-BEGIN
    CommandRunnerFake runner = new CommandRunnerFake()
        .on("bench", cmd -> ProgramResult.ok("Site " + cmd.argv().get(2) + " created"));
    runner.when("docker", "compose", "version").thenReturn(0, "Docker Compose version v2.26.1", "");
    runner.inject(CommandFault.timeout().on("bench", "new-site").afterHandler().nth(2));

    runner.run(Command.builder("bench", "new-site", "a.example").stdin(Secret.of("db-root-pass")).build());
    assertThatThrownBy(() -> runner.run(Command.builder("bench", "new-site", "b.example").build()))
        .isInstanceOf(RetryableException.class);                  // ran, then "timed out": outcome unknown

    assertThat(runner.invocations("bench", "new-site")).hasSize(2);
    assertThat(runner.invocations().get(0).stdin()).isEqualTo(Secret.MASK);
    assertThatThrownBy(() -> runner.run(Command.builder("sh", "-c", "bench new-site c.example").build()))
        .isInstanceOf(AssertionError.class);                      // argv lists only
    // COMMAND-RUNNER-END
  }

  @Test
  void backendFakes() {
    // BACKEND-FAKES-BEGIN
    try (VercelFake vercel = new VercelFake(); CloudflareFake cloudflare = new CloudflareFake()) {
      vercel.deploymentPhases(2).failBuilds("BUILD_FAILED", "npm run build exited with 1");
      String foreign = cloudflare.putRecord("A", "www.example.com", "198.51.100.7", null);   // made by hand
      // ... run the plugins against vercel.baseUrl() and cloudflare.baseUrl() (tokens VercelFake.TOKEN,
      // CloudflareFake.TOKEN, zone CloudflareFake.ZONE_ID) ...
      assertThat(cloudflare.record(foreign)).as("a foreign record is never touched").isPresent();
      vercel.assertContractRespected();
      vercel.assertNothingLeaked();
    }
    // BACKEND-FAKES-END
  }

  @Test
  void testStepContext() {
    // STEP-CONTEXT-BEGIN
    TestStepContext ctx = TestStepContext.builder().tenant("acme").step("site").budget(Duration.ofMinutes(1))
        .config("vercel", Map.of("token", "t")).build();                    // bound as the engine binds it
    assertThat(ctx.resourceName()).isEqualTo("acme--demo--site");
    assertThat(ctx.inRun("run-2").belongsHere(ctx.ownershipMarker())).isTrue();       // adopt, don't duplicate
    assertThat(ctx.forTenant("globex").belongsHere(ctx.ownershipMarker())).isFalse(); // a conflict
    ctx.pause(Duration.ofSeconds(45));                                      // returns at once: the clock moves
    assertThat(ctx.remaining()).isEqualTo(Duration.ofSeconds(15));
    assertThatThrownBy(() -> ctx.pause(Duration.ofSeconds(20))).isInstanceOf(RetryableException.class);
    // STEP-CONTEXT-END
    assertThat(ctx.pauses()).containsExactly(Duration.ofSeconds(45), Duration.ofSeconds(20));
  }

  @Test
  void theReadmeShowsTheCompiledExamples() throws IOException {
    Path self = Path.of("src/test/java/dev/tenantwright/testkit/ReadmeExampleTest.java");
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Writing a fake", self, "WRITING-A-FAKE");
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Faults", self, "FAULTS");
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Contract validation", self, "CONTRACT");
    ReadmeSnippets.assertShows(Path.of("README.md"), "### Against the published documents", self,
        "PUBLISHED-CONTRACTS");
    ReadmeSnippets.assertShows(Path.of("README.md"), "## CommandRunnerFake", self, "COMMAND-RUNNER");
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Backend fakes", self, "BACKEND-FAKES");
    ReadmeSnippets.assertShows(Path.of("README.md"), "## TestStepContext", self, "STEP-CONTEXT");
    // "## PluginJars" is checked by the Traefik plugin's TraefikPluginTest, which has a plugin to pack and its classes
  }
}
