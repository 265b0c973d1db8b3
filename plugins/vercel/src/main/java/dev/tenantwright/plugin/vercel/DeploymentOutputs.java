package dev.tenantwright.plugin.vercel;

import dev.tenantwright.spi.Nullable;
import java.util.Objects;

/**
 * A deployment that reached {@code READY} (and, for production, serves the project's domains);
 * {@code ${deploy.url}} is its unique host name.
 *
 * @param id Vercel's deployment id, e.g. {@code dpl_89qyp1cskzkLrVicDaZoDbjyHuDJ}
 * @param url the deployment's own host name, without scheme
 * @param readyState the state last seen: {@code READY} after a successful create or update
 * @param projectId the project's id
 * @param inspectorUrl where Vercel shows the build log, if it said
 * @param previousId after an update, the deployment that served before it: kept, so that a rollback can serve
 *     it again without a rebuild; null after a create
 */
public record DeploymentOutputs(String id, String url, String readyState, String projectId, @Nullable String inspectorUrl,
    @Nullable String previousId) {

  /** Validates presence. */
  public DeploymentOutputs {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(readyState, "readyState");
    Objects.requireNonNull(projectId, "projectId");
  }
}
