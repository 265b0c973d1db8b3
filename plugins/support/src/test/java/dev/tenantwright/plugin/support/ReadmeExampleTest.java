package dev.tenantwright.plugin.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.ReadmeSnippets;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the README's example, and checks that the README shows exactly this code, so the two cannot drift apart. */
class ReadmeExampleTest {

  @RegisterExtension
  static final WireMockExtension backend =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  record Project(String id, String name) {}

  @Test
  void theReadmeExampleRuns() {
    backend.stubFor(
        get("/v9/projects/acme-web?teamId=team_1")
            .willReturn(aResponse().withStatus(404).withBody("{\"error\":{\"code\":\"not_found\",\"message\":\"Project not found\"}}")));
    String baseUrl = backend.baseUrl();
    Secret token = Secret.of("vercel-test-token");
    String teamId = "team_1";
    String composeYaml = "services:\n  web:\n    image: \"nginx:1.27\"\n";

    // README-BEGIN
    RestClient vercel = RestClient.builder()
        .name("vercel")
        .baseUrl(baseUrl)                       // https://api.vercel.com
        .bearerToken(token)                     // a Secret: never logged, masked in messages
        .defaultQuery("teamId", teamId)         // added to every request; skipped when null
        .readTimeout(Duration.ofSeconds(30))
        .build();

    // 404 is an answer here, not a failure: expect it, and every other 4xx/5xx still throws.
    RestResponse found = vercel.call(RestRequest.get("/v9/projects/acme-web").expect(404));
    Optional<Project> project = found.status() == 404 ? Optional.empty() : Optional.of(found.as(Project.class));

    // Generated files are checked against the official schema before they are applied.
    SchemaValidator.compose().requireValidYaml("compose.yaml of acme-web", composeYaml);
    // README-END

    assertThat(project).isEmpty();
    backend.verify(getRequestedFor(urlEqualTo("/v9/projects/acme-web?teamId=team_1")));
  }

  @Test
  void theReadmeShowsExactlyThisCode() throws IOException {
    ReadmeSnippets.assertShows(Path.of("README.md"), "# tenantwright-plugin-support",
        Path.of("src/test/java/dev/tenantwright/plugin/support/ReadmeExampleTest.java"), "README");
  }
}
