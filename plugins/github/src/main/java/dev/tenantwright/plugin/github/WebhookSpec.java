package dev.tenantwright.plugin.github;

import dev.tenantwright.plugin.github.internal.Ownership;
import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a {@code github.webhook} should be. Validated on construction, each problem naming its field.
 *
 * @param repository the repository, {@code owner/name} — normally {@code ${site-repo.fullName}}; it must have
 *     been made by a {@code github.repository} resource of the same tenant and environment
 * @param url where GitHub delivers: the host's endpoint, {@code https} (plain {@code http} only to a loopback address,
 *     and only when the plugin configuration sets {@code allowHttpHooks}); no user info, no fragment
 * @param contentType {@code json} (the default) or {@code form} ({@code payload=<url-encoded JSON>})
 * @param events the events to deliver; default {@code [push]}
 * @param secret the <em>name</em> of the secret GitHub signs deliveries with — a {@code secret} resource of this
 *     environment (list it in {@code needs}) or a host secret; its value is sent to GitHub only, never logged or
 *     stored in outputs
 * @param active whether GitHub delivers at all; default true
 */
public record WebhookSpec(
    String repository,
    String url,
    @Nullable String contentType,
    @Nullable List<String> events,
    String secret,
    @Nullable Boolean active) {

  private static final Pattern EVENT = Pattern.compile("\\*|[a-z][a-z_]*");
  private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  /** Validates every field and copies the events. */
  public WebhookSpec {
    if (repository == null || repository.isEmpty()) {
      throw new PermanentException("field 'repository': must not be empty; use ${<repository resource>.fullName}");
    }
    int slash = repository.indexOf('/');
    if (slash < 0 || repository.indexOf('/', slash + 1) >= 0) {
      throw new PermanentException("field 'repository': \"" + repository + "\" must be owner/name");
    }
    Names.githubOwner("repository", repository.substring(0, slash));
    Names.githubRepository("repository", repository.substring(slash + 1));
    checkUrl(url);
    if (contentType != null && !contentType.equals("json") && !contentType.equals("form")) {
      throw new PermanentException("field 'contentType': \"" + contentType + "\" must be json or form");
    }
    if (events != null) {
      if (events.isEmpty()) {
        throw new PermanentException("field 'events': must name at least one event, e.g. [push]");
      }
      for (String e : events) {
        if (e == null || !EVENT.matcher(e).matches()) {
          throw new PermanentException("field 'events': \"" + e + "\" is not a GitHub event name such as push");
        }
      }
      events = List.copyOf(events);
    }
    if (secret == null || secret.isEmpty()) {
      throw new PermanentException("field 'secret': must name the secret deliveries are signed with, e.g. "
          + "webhook-secret (a secret resource of this environment)");
    }
    if (!SECRET_NAME.matcher(secret).matches()) {
      throw new PermanentException("field 'secret': \"" + secret + "\" is not a secret name: give the name of a "
          + "secret resource, e.g. webhook-secret, not its value");
    }
  }

  private static void checkUrl(String url) {
    if (url == null || url.isEmpty()) {
      throw new PermanentException("field 'url': must not be empty");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new PermanentException("field 'url': \"" + url + "\" is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new PermanentException("field 'url': \"" + url + "\" must be an https URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new PermanentException("field 'url': \"" + url + "\" has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new PermanentException("field 'url': must not carry user info (credentials); GitHub signs deliveries "
          + "with the secret instead");
    }
    if (uri.getRawFragment() != null) {
      throw new PermanentException("field 'url': must not have a fragment");
    }
    if (Ownership.hookMarker(url).isPresent()) {
      throw new PermanentException("field 'url': the query parameter " + Ownership.HOOK_PARAM + " is reserved for the "
          + "ownership marker");
    }
  }

  /** The content type to configure: {@code json} unless {@code form} was asked for (GitHub's own default is form). */
  public String effectiveContentType() {
    return contentType == null ? "json" : contentType;
  }

  /** The events to configure. */
  public List<String> effectiveEvents() {
    return events == null ? List.of("push") : events;
  }

  /** Whether the hook delivers. */
  public boolean effectiveActive() {
    return active == null || active;
  }

  /** The repository's owner. */
  public String repositoryOwner() {
    return repository.substring(0, repository.indexOf('/'));
  }

  /** The repository's name. */
  public String repositoryName() {
    return repository.substring(repository.indexOf('/') + 1);
  }
}
