package dev.tenantwright.examples.quickstart;

import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.testkit.FakeCommandRunner;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import dev.tenantwright.testkit.compose.FakeDockerCompose;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The sandbox backends: the test kit's Vercel and Cloudflare fakes (HTTP servers on 127.0.0.1) and a fake
 * {@code docker compose} behind a fake command runner, all inside this process, so the quickstart runs offline.
 *
 * <p>Everything they hold is in memory and lives as long as this object; {@link #close()} stops them and
 * removes the Compose sites folder. Not thread-safe to configure; the fakes themselves are.
 */
final class Sandbox implements AutoCloseable {

  final VercelFake vercel = new VercelFake();
  final CloudflareFake cloudflare = new CloudflareFake();
  final FakeDockerCompose compose = new FakeDockerCompose();
  private final FakeCommandRunner runner = new FakeCommandRunner().on(compose);
  private final Path composeSites;

  Sandbox() {
    try {
      composeSites = Files.createTempDirectory("tenantwright-sandbox-sites");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Points the vercel, cloudflare and compose plugins (loaded from the classpath) at the fakes. */
  Tenantwright.Builder configure(Tenantwright.Builder builder) {
    return builder
        .commandRunner(runner)
        .platformDomains(CloudflareFake.ZONE_NAME)  // DNS names in the sandbox zone are the platform's to give out
        .egressAllow("127.0.0.1")                   // the sandbox sites answer health checks on loopback
        .pluginConfig("vercel", Map.of("token", VercelFake.TOKEN, "baseUrl", vercel.baseUrl(),
            "pollInterval", "20ms", "maxPollInterval", "100ms"))
        .pluginConfig("cloudflare", Map.of("token", CloudflareFake.TOKEN, "zoneId", CloudflareFake.ZONE_ID,
            "baseUrl", cloudflare.baseUrl()))
        .pluginConfig("compose", Map.of("rootDir", composeSites.toString()));
  }

  /** One line per fake, for the banner. */
  List<String> describe() {
    return List.of(
        "vercel     " + vercel.baseUrl() + " (VercelFake)",
        "cloudflare " + cloudflare.baseUrl() + " (CloudflareFake, zone " + CloudflareFake.ZONE_NAME + ")",
        "compose    fake `docker compose` (FakeDockerCompose), sites in " + composeSites);
  }

  /**
   * What the fakes still hold for one environment: objects named {@code tenant--environment--resource} and DNS
   * records named {@code environment.tenant.zone}.
   */
  List<String> leftovers(String tenantId, String environment) {
    String backendName = tenantId + "--" + environment + "--";
    String dnsName = " " + environment + "." + tenantId + ".";
    List<String> out = new ArrayList<>();
    Stream.of(vercel.liveObjects(), cloudflare.liveObjects(), compose.liveObjects())
        .flatMap(c -> c.stream())
        .filter(s -> s.contains(backendName) || s.contains(dnsName))
        .forEach(out::add);
    return out;
  }

  @Override
  public void close() {
    vercel.close();
    cloudflare.close();
    try (Stream<Path> files = Files.walk(composeSites)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
