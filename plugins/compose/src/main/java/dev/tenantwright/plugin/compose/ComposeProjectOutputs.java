package dev.tenantwright.plugin.compose;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Observed;
import java.util.List;
import java.util.Objects;

/**
 * What a {@code compose.project} resource reports after {@code up}: where its folder is, which containers run
 * in what state, and on which host ports they answer. Referable in blueprints as {@code ${site.project}},
 * {@code ${site.publishedPort}}, {@code ${site.url}}.
 *
 * @param project the Compose project name (the resource's name)
 * @param directory the site folder
 * @param composeFile the compose file in it
 * @param owner the ownership marker written into the compose file and onto every container
 * @param revision the revision deployed, or null
 * @param services one entry per container, in service order
 * @param publishedPort the first host port published by the project (services in spec order), or null
 * @param url the public URL of the first routed service (from its Traefik route), or null
 */
public record ComposeProjectOutputs(
    String project,
    String directory,
    String composeFile,
    String owner,
    @Nullable String revision,
    List<ServiceStatus> services,
    @Nullable Integer publishedPort,
    @Nullable String url) {

  /** Validates presence and copies the list. */
  public ComposeProjectOutputs {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(composeFile, "composeFile");
    Objects.requireNonNull(owner, "owner");
    services = services == null ? List.of() : List.copyOf(services);
  }

  /**
   * One container of the project, as {@code docker compose ps} reports it.
   *
   * @param service the service name
   * @param container the container name, e.g. {@code acme-demo-site-web-1}
   * @param state {@code running}, {@code exited}, ...
   * @param health {@code healthy}, {@code unhealthy}, {@code starting}, or empty without a healthcheck
   * @param ports the ports published on the host
   */
  public record ServiceStatus(String service, String container, String state, @Observed String health,
      List<PublishedPort> ports) {

    /** Copies the list. */
    public ServiceStatus {
      ports = ports == null ? List.of() : List.copyOf(ports);
      health = health == null ? "" : health;
    }
  }

  /**
   * A container port published on the host.
   *
   * @param hostIp the host address, e.g. {@code 127.0.0.1}
   * @param published the host port
   * @param target the container port
   * @param protocol {@code tcp} or {@code udp}
   */
  public record PublishedPort(String hostIp, int published, int target, String protocol) {}
}
