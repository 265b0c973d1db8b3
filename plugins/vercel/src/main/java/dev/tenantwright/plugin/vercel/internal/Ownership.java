package dev.tenantwright.plugin.vercel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.StepContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the plugin keeps ownership markers in Vercel, which has no labels: a project carries its marker in
 * the plain environment variable {@value #OWNER_KEY} (target {@code development} only, so it never reaches a
 * build); environment variables carry it in their {@code comment}; deployments in {@code meta.}{@value #META_OWNER};
 * a domain in the project variable {@code TENANTWRIGHT_DOMAIN_<hash of the domain>}. Every place is one the
 * API stores and returns.
 *
 * <p>Variables, deployments and domains are only ever put on a project made by this same tenant and
 * environment ({@link #requireManagedHere}). Stateless.
 */
public final class Ownership {

  /** The project variable holding the project's marker. */
  public static final String OWNER_KEY = "TENANTWRIGHT_OWNER";
  /** The prefix of every variable the plugin reserves for itself. */
  public static final String RESERVED_PREFIX = "TENANTWRIGHT_";
  /** The deployment meta key holding the deployment's marker. */
  public static final String META_OWNER = "tenantwrightOwner";
  /** The deployment meta key holding the digest of what was deployed. */
  public static final String META_DIGEST = "tenantwrightDigest";
  /** The only target of marker variables: never part of a preview or production build. */
  public static final List<String> MARKER_TARGET = List.of("development");

  private Ownership() {}

  /** A project as the other types need it: id, name and its variables as the GET returned them. */
  public record Project(String id, String name, JsonNode json) {}

  /** The marker kept in a project's {@value #OWNER_KEY}, if any. */
  public static Optional<String> projectMarker(VercelApi api, JsonNode project) {
    JsonNode env = project.get("env");
    if (env != null && env.isArray()) {
      return plainValue(env, OWNER_KEY);
    }
    return api.envs(project.path("id").asText()).stream()
        .filter(e -> OWNER_KEY.equals(e.path("key").asText())).map(e -> e.path("value").asText()).findFirst();
  }

  /** The value of a plain project variable in a list of variables, if present. */
  public static Optional<String> plainValue(Iterable<JsonNode> env, String key) {
    for (JsonNode e : env) {
      if (key.equals(e.path("key").asText()) && e.hasNonNull("value")) {
        return Optional.of(e.get("value").asText());
      }
    }
    return Optional.empty();
  }

  /**
   * Reads the project {@code idOrName} and checks that this tenant and environment made it.
   *
   * @throws PermanentException when the project does not exist or is not managed by this environment
   */
  public static Project requireManagedHere(VercelApi api, String idOrName, StepContext ctx) {
    JsonNode p = api.project(idOrName).orElseThrow(() -> new PermanentException("vercel: project '" + idOrName
        + "' does not exist; create it with a vercel.project resource of this environment first"));
    Optional<String> marker = projectMarker(api, p);
    String prefix = environmentPrefix(ctx.ownershipMarker());
    if (marker.isEmpty() || !marker.get().startsWith(prefix)) {
      throw new PermanentException("vercel: project '" + idOrName + "' (" + p.path("id").asText() + ") is not managed by "
          + "this environment (" + marker.map(m -> "marker '" + m + "'").orElse("no ownership marker")
          + "); refusing to change it");
    }
    return new Project(p.path("id").asText(), p.path("name").asText(), p);
  }

  /** {@code tw:<tenant>/<environment>/} of a marker {@code tw:<tenant>/<environment>/<resource>@<hash>}. */
  static String environmentPrefix(String marker) {
    int first = marker.indexOf('/');
    int second = first < 0 ? -1 : marker.indexOf('/', first + 1);
    return second < 0 ? marker : marker.substring(0, second + 1);
  }

  /** The project variable holding the marker of {@code domain}: {@code TENANTWRIGHT_DOMAIN_<12 hex>}. */
  public static String domainKey(String domain) {
    return RESERVED_PREFIX + "DOMAIN_" + sha256(domain.toLowerCase(Locale.ROOT)).substring(0, 12).toUpperCase(Locale.ROOT);
  }

  /** The first {@code chars} hex characters of SHA-256 of {@code text}. */
  public static String hash(String text, int chars) {
    return sha256(text).substring(0, chars);
  }

  private static String sha256(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (byte b : d) {
        sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
