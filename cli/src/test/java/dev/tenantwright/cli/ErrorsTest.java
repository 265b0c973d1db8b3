package dev.tenantwright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SandboxServer.Resolver.class)
class ErrorsTest {

  private final SandboxServer server;

  ErrorsTest(SandboxServer server) {
    this.server = server;
  }

  @Test
  void anUnknownTenantIsOneLineFromTheServersProblemAndExitCodeTwo() {
    Cli.Result r = server.admin().run("tenant", "no-such-tenant");

    assertThat(r.exitCode()).isEqualTo(TenantwrightCli.REFUSED);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("error: 404 Not found: tenant 'no-such-tenant' does not exist\n");
  }

  @Test
  void anInvalidRequestNamesTheFieldAtFault() {
    Cli.Result r = server.admin().run("provision", server.newTenant("Fieldwork"), "--kind", "TEST");

    assertThat(r.exitCode()).isEqualTo(TenantwrightCli.REFUSED);
    assertThat(r.err()).isEqualTo("error: 422 Unprocessable content (field 'name'): 'name' is required\n");
  }

  @Test
  void aTenantTokenReadsItsTenantButMayNotStartRuns() {
    String tenant = server.newTenant("Read Only");
    Cli viewer = server.admin().with("TW_TOKEN", server.issueToken("viewer", "tenant", tenant));

    assertThat(viewer.run("tenant", tenant).exitCode()).isZero();
    Cli.Result write = viewer.run("provision", tenant, "--kind", "DEMO");
    assertThat(write.exitCode()).isEqualTo(TenantwrightCli.REFUSED);
    assertThat(write.err()).isEqualTo("error: 403 Forbidden: token 'viewer' may only read tenant " + tenant + "\n");
    assertThat(server.admin().run("tenant", tenant).out()).contains("no environments");
    Cli.Result other = viewer.run("tenant", server.newTenant("Someone Else"));
    assertThat(other.exitCode()).isEqualTo(TenantwrightCli.REFUSED);
    assertThat(other.err()).startsWith("error: 404 Not found:");
  }

  @Test
  void theTokenComesFromAFileSuchAsTheServersFirstAdminToken() {
    Cli noEnvToken = server.admin().with("TW_TOKEN", null);

    Cli.Result r = noEnvToken.run("tenants", "--token-file", server.dataDir().resolve("admin.token").toString());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).startsWith("TENANT ");
  }

  @Test
  void withoutATokenNothingIsSentAndTheMessageSaysWhereOneGoes() {
    Cli.Result r = server.admin().with("TW_TOKEN", null).run("tenants");

    assertThat(r.exitCode()).isEqualTo(TenantwrightCli.REFUSED);
    assertThat(r.err()).startsWith("error: no API token: set TW_TOKEN or pass --token-file FILE");
  }

  @Test
  void anUnknownTokenIsRefused(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("token"), "tw_aaaaaaaaaaaaaaaa_" + "b".repeat(43) + "\n");

    Cli.Result r = server.admin().run("tenants", "--token-file", file.toString());

    assertThat(r.exitCode()).isEqualTo(TenantwrightCli.REFUSED);
    assertThat(r.err()).isEqualTo("error: 401 Unauthorized: the token is unknown or revoked\n");
  }

  @Test
  void aServerThatIsNotThereIsExitCodeThreeWithWhereItWasLookedFor() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    Cli.Result r = server.admin().with("TW_URL", "http://127.0.0.1:" + port).run("tenants");

    assertThat(r.exitCode()).isEqualTo(TenantwrightCli.UNREACHABLE);
    assertThat(r.err()).isEqualTo("error: cannot connect to the Tenantwright server at http://127.0.0.1:" + port
        + ": connection refused (is it running? --url or TW_URL names it)\n");
  }

  @Test
  void aMalformedUrlIsRefusedBeforeAnythingIsSent() {
    Cli.Result r = server.admin().run("tenants", "--url", "127.0.0.1:8080");

    assertThat(r.exitCode()).isEqualTo(TenantwrightCli.REFUSED);
    assertThat(r.err()).startsWith("error: '127.0.0.1:8080' is not a server URL such as http://127.0.0.1:8080");
  }
}
