package dev.tenantwright.plugin.vercel;

import dev.tenantwright.spi.Nullable;
import java.util.Objects;

/**
 * A project domain as Vercel reports it, with its verification state.
 *
 * @param name the domain
 * @param projectId the project's id
 * @param apexName the registrable domain, e.g. {@code acme.example}
 * @param verified whether Vercel has verified ownership
 * @param txtName while unverified: the name of the TXT record Vercel's challenge asks for (e.g.
 *     {@code _vercel.acme.example}); null once verified
 * @param txtValue while unverified: the value that TXT record must hold; null once verified
 */
public record DomainOutputs(String name, String projectId, String apexName, boolean verified,
    @Nullable String txtName, @Nullable String txtValue) {

  /** Validates presence. */
  public DomainOutputs {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(apexName, "apexName");
  }
}
