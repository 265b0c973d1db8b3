package dev.tenantwright.plugin.github;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;

/**
 * What a {@code github.repository} should be. Validated on construction, each problem naming its field.
 *
 * @param template the template repository to generate from, {@code owner/name}, e.g. {@code acme-sites/portfolio};
 *     it must be marked as a template on GitHub ({@code is_template: true})
 * @param owner the organisation or user that owns the new repository (the token's user must be a member of an
 *     organisation that it creates repositories in)
 * @param name the repository name; default the resource's deterministic name
 *     ({@code <tenant>--<environment>--<resource>}). At most 100 ASCII letters, digits, {@code .}, {@code -} and
 *     {@code _}
 * @param description a short description; the ownership marker is appended to it in parentheses. At most
 *     {@value #MAX_DESCRIPTION} characters on one line
 * @param visibility {@code private} (the default) or {@code public}
 * @param includeAllBranches whether every branch of the template is copied, not only its default branch; default false
 */
public record RepositorySpec(
    String template,
    String owner,
    @Nullable String name,
    @Nullable String description,
    @Nullable String visibility,
    @Nullable Boolean includeAllBranches) {

  /** The longest description accepted: GitHub's limit of 350 characters leaves room for the marker. */
  public static final int MAX_DESCRIPTION = 200;

  /** Validates every field. */
  public RepositorySpec {
    if (template == null || template.isEmpty()) {
      throw new PermanentException("field 'template': must not be empty; give the template repository as owner/name");
    }
    int slash = template.indexOf('/');
    if (slash < 0 || template.indexOf('/', slash + 1) >= 0) {
      throw new PermanentException("field 'template': \"" + template
          + "\" must be owner/name, e.g. acme-sites/portfolio");
    }
    Names.githubOwner("template", template.substring(0, slash));
    Names.githubRepository("template", template.substring(slash + 1));
    Names.githubOwner("owner", owner);
    if (name != null) {
      Names.githubRepository("name", name);
    }
    if (description != null && (description.length() > MAX_DESCRIPTION || description.contains("\n"))) {
      throw new PermanentException("field 'description': must be one line of at most " + MAX_DESCRIPTION
          + " characters, was " + description.length());
    }
    if (visibility != null && !visibility.equals("private") && !visibility.equals("public")) {
      throw new PermanentException("field 'visibility': \"" + visibility + "\" must be private or public");
    }
  }

  /** The template's owner. */
  public String templateOwner() {
    return template.substring(0, template.indexOf('/'));
  }

  /** The template's repository name. */
  public String templateName() {
    return template.substring(template.indexOf('/') + 1);
  }

  /** Whether the repository is to be private (the default). */
  public boolean privateRepository() {
    return !"public".equals(visibility);
  }
}
