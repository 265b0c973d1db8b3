package dev.tenantwright.plugin.vercel;

import dev.tenantwright.spi.Nullable;
import java.util.Objects;

/**
 * A deployment that reached {@code READY}; {@code ${deploy.url}} is its unique host name.
 *
 * @param id Vercel's deployment id, e.g. {@code dpl_89qyp1cskzkLrVicDaZoDbjyHuDJ}
 * @param url the deployment's own host name, without scheme
 * @param readyState the state last seen: {@code READY} after a successful create
 * @param projectId the project's id
 * @param inspectorUrl where Vercel shows the build log, if it said
 */
public record DeploymentOutputs(String id, String url, String readyState, String projectId, @Nullable String inspectorUrl) {

  /** Validates presence. */
  public DeploymentOutputs {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(readyState, "readyState");
    Objects.requireNonNull(projectId, "projectId");
  }
}
