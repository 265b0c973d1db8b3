package dev.tenantwright.plugin.vercel;

import java.util.Objects;

/**
 * A Vercel project as provisioned; other resources refer to it as {@code ${site.id}} or {@code ${site.name}}.
 *
 * @param id Vercel's project id, e.g. {@code prj_12HKQaOmR5t5Uy6vdcQsNIiZgHGB}
 * @param name the project name
 * @param accountId the owning account or team
 */
public record ProjectOutputs(String id, String name, String accountId) {

  /** Validates presence. */
  public ProjectOutputs {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(accountId, "accountId");
  }
}
