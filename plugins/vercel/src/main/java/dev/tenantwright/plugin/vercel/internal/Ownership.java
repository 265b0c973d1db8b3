package dev.tenantwright.plugin.vercel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.StepContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the plugin keeps ownership markers in Vercel, which has no labels: a project carries its marker in
 * the plain environment variable {@value #OWNER_KEY} (target {@code development} only, so it never reaches a
 * build); a domain in the project variable {@code TENANTWRIGHT_DOMAIN_<hash of the domain>}; other environment
 * variables in their {@code comment}; deployments in {@code meta.}{@value #META_OWNER}.
 *
 * <p>Markers are read from places the API returns in clear. Listing variables returns their values
 * encrypted, {@code plain} ones included (vercel/vercel#9072, vercel/sdk#118), so a marker variable keeps the
 * marker in its {@code comment} too, and the comment is what is read. {@code POST /v11/projects} cannot set
 * a comment, so a new project's marker variable gets its comment in a second call; until then (a crash in
 * between), and for variables written by earlier versions of the plugin, the marker is read from the value
 * with {@code GET /v1/projects/{idOrName}/env/{id}}, the one call that decrypts, and copied to the comment.
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
  /** The deployment meta key holding the revision of the variables the deployment was built with. */
  public static final String META_ENV_REVISION = "tenantwrightEnvRevision";
  /** The only target of marker variables: never part of a preview or production build. */
  public static final List<String> MARKER_TARGET = List.of("development");
  /** How every marker starts ({@code tw:<tenant>/<environment>/<resource>@<hash>}). */
  private static final String MARKER_PREFIX = "tw:";

  private Ownership() {}

  /** A project as the other types need it: id, name and the GET's answer. */
  public record Project(String id, String name, JsonNode json) {}

  /** The marker kept in a project's {@value #OWNER_KEY}, if any. */
  public static Optional<String> projectMarker(VercelApi api, JsonNode project) {
    String id = project.path("id").asText();
    JsonNode env = project.get("env");
    Optional<JsonNode> var = env != null && env.isArray() ? find(env, OWNER_KEY) : find(api.envs(id), OWNER_KEY);
    return var.flatMap(v -> marker(api, id, v));
  }

  /** The project variable {@code key} in a list of variables, if present. */
  public static Optional<JsonNode> find(Iterable<JsonNode> env, String key) {
    for (JsonNode e : env) {
      if (key.equals(e.path("key").asText())) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * The marker a marker variable holds: its comment when that is a marker, else its value read by id (the
   * list's value is ciphertext).
   */
  public static Optional<String> marker(VercelApi api, String projectId, JsonNode var) {
    String comment = var.hasNonNull("comment") ? var.get("comment").asText() : "";
    if (comment.startsWith(MARKER_PREFIX)) {
      return Optional.of(comment);
    }
    return api.env(projectId, var.path("id").asText())
        .filter(e -> e.hasNonNull("value"))
        .map(e -> e.get("value").asText())
        .filter(v -> v.startsWith(MARKER_PREFIX));
  }

  /** Whether a marker variable already carries its marker in its comment. */
  public static boolean markedInComment(JsonNode var) {
    return var.hasNonNull("comment") && var.get("comment").asText().startsWith(MARKER_PREFIX);
  }

  /**
   * Writes a marker variable — {@code marker} as both value and comment, type {@code plain}, target
   * {@code development} — with one upsert.
   *
   * @throws PermanentException when Vercel refuses it, naming what it was for
   */
  public static void writeMarker(VercelApi api, String projectId, String key, String marker, String what) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("key", key);
    v.put("value", marker);
    v.put("type", "plain");
    v.put("target", MARKER_TARGET);
    v.put("comment", marker);
    VercelApi.Upserted r = api.upsertEnvs(projectId, List.of(v));
    if (!r.failed().isEmpty()) {
      JsonNode f = r.failed().get(0);
      throw new PermanentException("vercel: cannot record the ownership of " + what + ": [" + f.path("code").asText()
          + "] " + f.path("message").asText());
    }
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
      return hex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Lowercase hex of {@code bytes}. */
  public static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return sb.toString();
  }
}
