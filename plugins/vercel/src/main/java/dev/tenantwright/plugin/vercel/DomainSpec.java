package dev.tenantwright.plugin.vercel;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.HostName;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.util.Set;

/**
 * What a {@code vercel.domain} should be: a custom domain on a project made by this environment. Validated on
 * construction.
 *
 * @param project the project's id or name, normally {@code ${site.id}}
 * @param name the domain, e.g. {@code shop.acme.example}
 * @param redirect another domain of the project to redirect to
 * @param redirectStatusCode 301, 302, 307 or 308 with {@code redirect}
 * @param gitBranch serve this branch's latest preview instead of production
 * @param verify whether to ask Vercel to verify the domain right away when it is added unverified; default true
 */
public record DomainSpec(
    String project,
    @HostName String name,
    @Nullable String redirect,
    @Nullable Integer redirectStatusCode,
    @Nullable String gitBranch,
    @Nullable Boolean verify) {

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 307, 308);

  /** Validates every field. */
  public DomainSpec {
    if (project == null || project.isBlank()) {
      throw new PermanentException("field 'project': must name the project, e.g. ${site.id}");
    }
    Names.vercelProjectIdOrName("project", project);
    Names.hostname("name", name);
    if (redirect != null) {
      Names.hostname("redirect", redirect);
    }
    if (redirectStatusCode != null && (redirect == null || !REDIRECTS.contains(redirectStatusCode))) {
      throw new PermanentException("field 'redirectStatusCode': must be 301, 302, 307 or 308, with 'redirect'");
    }
    if (gitBranch != null && redirect != null) {
      throw new PermanentException("fields 'gitBranch' and 'redirect': a domain cannot have both");
    }
  }
}
