package dev.tenantwright.plugin.github;

import org.pf4j.Plugin;

/**
 * The PF4J entry of the GitHub plugin; its resource types are the {@code @Extension} classes
 * {@link GitHubRepositoryType} and {@link GitHubWebhookType}.
 *
 * <p>It holds no state: each type builds its API client from the configuration the host binds for the
 * {@code github} section ({@link GitHubConfig}). The webhook receiver a host runs, {@link GitHubWebhooks}, needs no
 * plugin at all: it is plain JDK and Jackson.
 */
public final class GitHubPlugin extends Plugin {

  /** Created by PF4J when the plugin loads. */
  public GitHubPlugin() {
    super();
  }
}
