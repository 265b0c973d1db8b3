package dev.tenantwright.plugin.vercel;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The variables a {@code vercel.env} manages; values are never part of outputs.
 *
 * @param projectId the project's id
 * @param ids variable name to Vercel's variable id
 * @param revision a keyed hash (HMAC-SHA256 with the plugin's API token as key, 16 hex characters) of the
 *     names, values, targets and branch: it changes whenever what a build sees changes, reveals nothing about
 *     the values, and is what a {@code vercel.deployment} refers to ({@code envRevision: ${site-env.revision}})
 *     so that a change of the variables is deployed
 */
public record EnvOutputs(String projectId, Map<String, String> ids, String revision) {

  /** Validates presence and orders the ids by name. */
  public EnvOutputs {
    Objects.requireNonNull(projectId, "projectId");
    ids = new TreeMap<>(Objects.requireNonNull(ids, "ids"));
    Objects.requireNonNull(revision, "revision");
  }
}
