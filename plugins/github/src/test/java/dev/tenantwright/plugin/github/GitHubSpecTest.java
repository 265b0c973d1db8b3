package dev.tenantwright.plugin.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Specs and configuration refuse what GitHub would refuse (or silently change), naming the field. */
class GitHubSpecTest {

  @Test
  void aRepositoryNameGitHubWouldRenameIsRefusedNamingTheField() {
    assertThatThrownBy(() -> new RepositorySpec("acme-sites/portfolio", "acme-sites", "Acme Site", null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageStartingWith("field 'name': \"Acme Site\"");
    assertThatThrownBy(() -> new RepositorySpec("acme-sites/portfolio", "acme-sites", "x".repeat(101), null, null, null))
        .hasMessageStartingWith("field 'name'").hasMessageContaining("at most 100");
  }

  @Test
  void theTemplateMustBeOwnerSlashName() {
    assertThatThrownBy(() -> new RepositorySpec("portfolio", "acme-sites", null, null, null, null))
        .hasMessageStartingWith("field 'template'");
    assertThatThrownBy(() -> new RepositorySpec("a/b/c", "acme-sites", null, null, null, null))
        .hasMessageStartingWith("field 'template'");
    assertThatThrownBy(() -> new RepositorySpec(null, "acme-sites", null, null, null, null))
        .hasMessageStartingWith("field 'template'");
    assertThat(new RepositorySpec("acme-sites/portfolio", "acme", null, null, null, null).templateName())
        .isEqualTo("portfolio");
  }

  @Test
  void ownerVisibilityAndDescriptionAreChecked() {
    assertThatThrownBy(() -> new RepositorySpec("a/b", "-acme", null, null, null, null))
        .hasMessageStartingWith("field 'owner'");
    assertThatThrownBy(() -> new RepositorySpec("a/b", "acme", null, null, "internal", null))
        .hasMessageStartingWith("field 'visibility'");
    assertThatThrownBy(() -> new RepositorySpec("a/b", "acme", null, "two\nlines", null, null))
        .hasMessageStartingWith("field 'description'");
    assertThat(new RepositorySpec("a/b", "acme", null, null, null, null).privateRepository()).isTrue();
    assertThat(new RepositorySpec("a/b", "acme", null, null, "public", null).privateRepository()).isFalse();
  }

  @Test
  void aWebhookUrlMustBeHttpsWithoutCredentialsFragmentOrTheMarkerParameter() {
    for (String bad : List.of("ftp://hooks.example.com/x", "https://user:pw@hooks.example.com/x",
        "https://hooks.example.com/x#frag", "https://hooks.example.com/x?tenantwright_owner=tw:a/b/c@1", "hooks",
        "https:///x")) {
      assertThatThrownBy(() -> webhook(bad, "webhook-secret")).as(bad).isInstanceOf(PermanentException.class)
          .hasMessageStartingWith("field 'url'");
    }
    assertThat(webhook("https://hooks.example.com/github?tenant=acme", "webhook-secret").effectiveContentType())
        .as("json, not GitHub's default form").isEqualTo("json");
  }

  @Test
  void theWebhookSecretIsANameNeverAValue() {
    assertThatThrownBy(() -> webhook("https://hooks.example.com/x", null)).hasMessageStartingWith("field 'secret'");
    assertThatThrownBy(() -> webhook("https://hooks.example.com/x", "s3cr3t value!"))
        .hasMessageStartingWith("field 'secret'").hasMessageContaining("not its value");
  }

  @Test
  void webhookEventsAndContentTypeAreChecked() {
    assertThatThrownBy(() -> new WebhookSpec("a/b", "https://h.example.com", "xml", null, "s", null))
        .hasMessageStartingWith("field 'contentType'");
    assertThatThrownBy(() -> new WebhookSpec("a/b", "https://h.example.com", null, List.of("Push!"), "s", null))
        .hasMessageStartingWith("field 'events'");
    assertThatThrownBy(() -> new WebhookSpec("a/b", "https://h.example.com", null, List.of(), "s", null))
        .hasMessageStartingWith("field 'events'");
    assertThatThrownBy(() -> new WebhookSpec("a", "https://h.example.com", null, null, "s", null))
        .hasMessageStartingWith("field 'repository'");
  }

  @Test
  void theConfigurationNeedsATokenAndKnowsItsDefaults() {
    assertThatThrownBy(() -> new GitHubConfig(null, null, null, null, null, null, null))
        .hasMessageContaining("token");
    GitHubConfig c = new GitHubConfig(Secret.of("t"), null, null, null, null, null, null);
    assertThat(c.effectiveApiUrl()).isEqualTo("https://api.github.com");
    assertThat(c.effectiveUserAgent()).isEqualTo("tenantwright-plugin-github");
    assertThat(c.httpHooksAllowed()).isFalse();
    assertThatThrownBy(() -> new GitHubConfig(Secret.of("t"), "api.github.com", null, null, null, null, null))
        .hasMessageContaining("apiUrl");
  }

  static WebhookSpec webhook(String url, String secret) {
    return new WebhookSpec("acme-sites/site", url, null, null, secret, null);
  }
}
