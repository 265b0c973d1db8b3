package dev.tenantwright.plugin.vercel;

import java.util.Objects;

/**
 * A domain Vercel has verified and sees configured.
 *
 * @param name the domain
 * @param verified always true: the check passed
 * @param configuredBy how Vercel sees the domain pointing at it: {@code CNAME}, {@code A}, {@code http} (behind a
 *     proxy) or {@code dns-01}
 */
public record DomainCheckOutputs(String name, boolean verified, String configuredBy) {

  /** Validates presence. */
  public DomainCheckOutputs {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(configuredBy, "configuredBy");
  }
}
