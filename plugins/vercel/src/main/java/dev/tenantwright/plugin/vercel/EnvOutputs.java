package dev.tenantwright.plugin.vercel;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The variables a {@code vercel.env} manages; values are never part of outputs.
 *
 * @param projectId the project's id
 * @param ids variable name to Vercel's variable id
 */
public record EnvOutputs(String projectId, Map<String, String> ids) {

  /** Validates presence and orders the ids by name. */
  public EnvOutputs {
    Objects.requireNonNull(projectId, "projectId");
    ids = new TreeMap<>(Objects.requireNonNull(ids, "ids"));
  }
}
