package dev.tenantwright.plugin.vercel;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Observed;
import java.util.Objects;

/**
 * A project domain as Vercel reports it, with its verification state and the DNS records Vercel recommends
 * for it ({@code GET /v6/domains/{domain}/config}).
 *
 * @param name the domain
 * @param projectId the project's id
 * @param apexName the registrable domain, e.g. {@code acme.example}
 * @param verified whether Vercel has verified ownership
 * @param txtName while unverified: the name of the TXT record Vercel's challenge asks for (e.g.
 *     {@code _vercel.acme.example}); null once verified
 * @param txtValue while unverified: the value that TXT record must hold; null once verified
 * @param configured whether the domain's DNS pointed at Vercel and a certificate could be issued when it was
 *     last read ({@code misconfigured} false); a {@code vercel.domain-check} waits for it
 * @param recommendedCNAME the CNAME target Vercel recommends (rank 1), e.g.
 *     {@code d1d4fc829fe7bc7c.vercel-dns-017.com}: the content of the domain's CNAME record; null when Vercel
 *     recommends none
 * @param recommendedIPv4 the IPv4 address Vercel recommends (rank 1) for an A record, e.g. for an apex domain;
 *     null when Vercel recommends none
 */
public record DomainOutputs(String name, String projectId, String apexName, @Observed boolean verified,
    @Observed @Nullable String txtName, @Observed @Nullable String txtValue, @Observed boolean configured,
    @Observed @Nullable String recommendedCNAME, @Observed @Nullable String recommendedIPv4) {

  /** Validates presence. */
  public DomainOutputs {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(apexName, "apexName");
  }
}
