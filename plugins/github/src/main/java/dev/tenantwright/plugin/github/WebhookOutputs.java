package dev.tenantwright.plugin.github;

import java.util.Objects;

/**
 * A repository webhook as provisioned. The secret is not an output: it stays where it was generated.
 *
 * @param id GitHub's hook id
 * @param repository the repository, {@code owner/name}
 * @param url the URL GitHub delivers to, as the spec gave it (GitHub's copy also carries the ownership marker as a
 *     query parameter)
 */
public record WebhookOutputs(long id, String repository, String url) {

  /** Validates presence. */
  public WebhookOutputs {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(url, "url");
  }
}
