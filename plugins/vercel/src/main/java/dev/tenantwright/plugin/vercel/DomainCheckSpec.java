package dev.tenantwright.plugin.vercel;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.PermanentException;

/**
 * What a {@code vercel.domain-check} waits for: a domain of a project of this environment that Vercel has
 * verified and sees configured. Validated on construction.
 *
 * @param project the project's id or name, normally {@code ${site.id}}
 * @param name the domain, normally {@code ${domain.name}} of the {@code vercel.domain} that added it
 */
public record DomainCheckSpec(String project, String name) {

  /** Validates every field. */
  public DomainCheckSpec {
    if (project == null || project.isBlank()) {
      throw new PermanentException("field 'project': must name the project, e.g. ${site.id}");
    }
    Names.vercelProjectIdOrName("project", project);
    Names.hostname("name", name);
  }
}
