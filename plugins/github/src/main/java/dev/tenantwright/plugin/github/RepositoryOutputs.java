package dev.tenantwright.plugin.github;

import java.util.Objects;

/**
 * A GitHub repository as provisioned; other resources refer to it as {@code ${site-repo.fullName}},
 * {@code ${site-repo.cloneUrl}}, ...
 *
 * @param id GitHub's repository id
 * @param fullName {@code owner/name}, e.g. {@code acme-sites/acme--demo--site}
 * @param htmlUrl the repository's page, e.g. {@code https://github.com/acme-sites/acme--demo--site}
 * @param cloneUrl the HTTPS clone URL, e.g. {@code https://github.com/acme-sites/acme--demo--site.git}
 * @param defaultBranch the default branch, the template's, e.g. {@code main}
 */
public record RepositoryOutputs(long id, String fullName, String htmlUrl, String cloneUrl, String defaultBranch) {

  /** Validates presence. */
  public RepositoryOutputs {
    Objects.requireNonNull(fullName, "fullName");
    Objects.requireNonNull(htmlUrl, "htmlUrl");
    Objects.requireNonNull(cloneUrl, "cloneUrl");
    Objects.requireNonNull(defaultBranch, "defaultBranch");
  }
}
