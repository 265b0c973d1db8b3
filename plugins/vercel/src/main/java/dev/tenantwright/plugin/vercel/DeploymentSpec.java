package dev.tenantwright.plugin.vercel;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a {@code vercel.deployment} deploys: either inline files or a git source, to a project made by this
 * environment. Validated on construction.
 *
 * @param project the project's id or name, normally {@code ${site.id}}
 * @param target {@code production}, {@code staging}, or a custom environment; default preview
 * @param files the files to upload inline (small sites, generated content); exclusive with {@code gitSource}
 * @param gitSource the commit to build; exclusive with {@code files}
 * @param envRevision the revision of the project's variables this deployment must be built with, normally
 *     {@code ${site-env.revision}}: Vercel applies variables only to new deployments, so referring to it makes
 *     a change of the variables plan an update of the deployment, which builds a new one. Recorded in the
 *     deployment's {@code meta}; at most 64 letters, digits, {@code .}, {@code _}, {@code :} and {@code -}
 */
public record DeploymentSpec(
    String project,
    @Nullable String target,
    @Nullable List<InlineFile> files,
    @Nullable GitSource gitSource,
    @Nullable String envRevision) {

  private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /** Validates every field. */
  public DeploymentSpec {
    if (project == null || project.isBlank()) {
      throw new PermanentException("field 'project': must name the project, e.g. ${site.id}");
    }
    Names.vercelProjectIdOrName("project", project);
    if (envRevision != null && !REVISION.matcher(envRevision).matches()) {
      throw new PermanentException("field 'envRevision': must be at most 64 letters, digits, '.', '_', ':' and '-',"
          + " normally ${<env resource>.revision}");
    }
    if ((files == null || files.isEmpty()) == (gitSource == null)) {
      throw new PermanentException("fields 'files' and 'gitSource': give exactly one of them");
    }
    if (files != null) {
      files = List.copyOf(files);
    }
  }

  /**
   * One file uploaded inline with the deployment.
   *
   * @param file the path inside the deployment, e.g. {@code index.html} or {@code api/hello.js}
   * @param data the content, as text or base64
   * @param encoding {@code utf-8} (the default) or {@code base64}
   */
  public record InlineFile(String file, String data, @Nullable String encoding) {

    private static final Set<String> ENCODINGS = Set.of("utf-8", "base64");

    /** Validates every field. */
    public InlineFile {
      if (file == null || file.isBlank() || file.startsWith("/") || file.contains("..")) {
        throw new PermanentException("field 'files': \"" + file + "\" must be a relative path without '..'");
      }
      if (data == null) {
        throw new PermanentException("field 'files': " + file + " has no data");
      }
      if (encoding != null && !ENCODINGS.contains(encoding)) {
        throw new PermanentException("field 'files': encoding of " + file + " must be utf-8 or base64");
      }
    }
  }

  /**
   * The commit Vercel builds, in the shapes {@code POST /v13/deployments} accepts: {@code github} or
   * {@code github-limited} with {@code repoId} or {@code org} + {@code repo}; {@code gitlab} with
   * {@code projectId}; {@code bitbucket} with {@code repoUuid} or {@code owner} + {@code slug}.
   *
   * @param type {@code github}, {@code github-limited}, {@code gitlab} or {@code bitbucket}
   * @param ref the branch or tag
   * @param sha a commit to pin; default the ref's head
   * @param repoId GitHub repository id
   * @param org GitHub organisation or user
   * @param repo GitHub repository name
   * @param projectId GitLab project id
   * @param repoUuid Bitbucket repository UUID
   * @param owner Bitbucket owner
   * @param slug Bitbucket repository slug
   * @param workspaceUuid Bitbucket workspace UUID
   */
  public record GitSource(
      String type,
      String ref,
      @Nullable String sha,
      @Nullable String repoId,
      @Nullable String org,
      @Nullable String repo,
      @Nullable String projectId,
      @Nullable String repoUuid,
      @Nullable String owner,
      @Nullable String slug,
      @Nullable String workspaceUuid) {

    /** Validates that the fields the type needs are present. */
    public GitSource {
      if (ref == null || ref.isBlank()) {
        throw new PermanentException("field 'gitSource.ref': must name a branch or tag");
      }
      boolean ok = switch (type == null ? "" : type) {
        case "github", "github-limited" -> repoId != null || (org != null && repo != null);
        case "gitlab" -> projectId != null;
        case "bitbucket" -> repoUuid != null || (owner != null && slug != null);
        default -> throw new PermanentException("field 'gitSource.type': \"" + type
            + "\" is not one of github, github-limited, gitlab, bitbucket");
      };
      if (!ok) {
        throw new PermanentException("field 'gitSource': a " + type + " source needs "
            + switch (type) {
              case "gitlab" -> "projectId";
              case "bitbucket" -> "repoUuid, or owner and slug";
              default -> "repoId, or org and repo";
            });
      }
    }
  }
}
