package dev.tenantwright.plugin.github.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.StepContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the plugin keeps ownership markers on GitHub, which has no labels.
 *
 * <p><b>Repositories</b> carry two marks. The marker itself ends the <em>description</em>:
 * {@code "Portfolio of Acme (tw:acme/demo/site@1a2b3c4d5e6f)"}. The description is the one free-text field that
 * {@code POST .../generate} accepts, so a repository never exists unmarked, even for an instant; and it is what
 * {@code ctx.isOurs}/{@code ctx.belongsHere} need. But people edit descriptions in the web interface, so a second
 * mark survives that: the <em>topic</em>
 * {@code tenantwright-<24 hex of SHA-256 of "tw:<tenant>/<environment>/<resource>">},
 * set with {@code PUT /repos/{owner}/{repo}/topics} right after the repository is made (a topic holds at most 50
 * characters of {@code [a-z0-9-]}, so it names the resource, not the run). A repository whose description lost its
 * marker but that carries this resource's topic belongs here (it is adopted, never reported as made by this very
 * step); one whose description carries another marker is foreign whatever its topics. The topic also makes every
 * repository Tenantwright manages findable with a {@code topic:} search.
 *
 * <p><b>Webhooks</b> have neither description nor labels, and GitHub no longer keeps extra keys in a hook's
 * {@code config} (cms-sw/cms-bot#2286), so the marker travels in the hook's URL as the query parameter
 * {@value #HOOK_PARAM}: {@code https://hooks.example.com/github?tenantwright_owner=tw%3Aacme%2Fdemo%2Fhooks%401a2b}.
 * Receivers see it on every delivery and may ignore it. Webhooks are only put on a repository whose marker belongs
 * to this same tenant and environment ({@link #requireManagedHere}). Stateless.
 */
public final class Ownership {

  /** How every repository topic the plugin sets starts. */
  public static final String TOPIC_PREFIX = "tenantwright-";
  /** The hook URL's query parameter holding the hook's marker. */
  public static final String HOOK_PARAM = "tenantwright_owner";

  private static final Pattern MARKER = Pattern.compile("tw:[a-z0-9][a-z0-9:/@.-]*[a-z0-9]");
  private static final int TOPIC_HASH_CHARS = 24;

  private Ownership() {}

  /** What GitHub knows of a repository's owner. */
  public enum Verdict {
    /** This very step made it ({@code ctx.isOurs}). */
    OURS,
    /** This resource made it, in another run, or its topic says so. */
    HERE,
    /** Someone else's. */
    FOREIGN
  }

  // ------------------------------------------------------------------------------------ repositories

  /** The description to create a repository with: the user's text, if any, followed by the marker in parentheses. */
  public static String describe(@Nullable String description, String marker) {
    return description == null || description.isBlank() ? "Managed by Tenantwright (" + marker + ")"
        : description.strip() + " (" + marker + ")";
  }

  /** The marker at the end of a repository's description, if it has one. */
  public static Optional<String> descriptionMarker(JsonNode repo) {
    JsonNode d = repo.get("description");
    if (d == null || !d.isTextual()) {
      return Optional.empty();
    }
    Matcher m = MARKER.matcher(d.asText());
    String last = null;
    while (m.find()) {
      last = m.group();
    }
    return Optional.ofNullable(last);
  }

  /** The topic naming the resource a marker belongs to: {@code tenantwright-<24 hex>}. */
  public static String topic(String marker) {
    int at = marker.indexOf('@');
    String resource = at < 0 ? marker : marker.substring(0, at);
    return TOPIC_PREFIX + sha256(resource).substring(0, TOPIC_HASH_CHARS);
  }

  /** The repository's topics. */
  public static List<String> topics(JsonNode repo) {
    List<String> out = new ArrayList<>();
    repo.path("topics").forEach(t -> out.add(t.asText()));
    return out;
  }

  /** Who made a repository, by its description marker or, failing that, its topic. */
  public static Verdict judge(JsonNode repo, StepContext ctx) {
    Optional<String> marker = descriptionMarker(repo);
    if (marker.isPresent()) {
      if (ctx.isOurs(marker.get())) {
        return Verdict.OURS;
      }
      return ctx.belongsHere(marker.get()) ? Verdict.HERE : Verdict.FOREIGN;
    }
    return topics(repo).contains(topic(ctx.ownershipMarker())) ? Verdict.HERE : Verdict.FOREIGN;
  }

  /** Why a repository is not this resource's, for messages. */
  public static String foreignReason(JsonNode repo) {
    return descriptionMarker(repo).map(m -> "its marker is '" + m + "'")
        .orElse("it has no Tenantwright marker in its description nor this resource's topic");
  }

  /**
   * Checks that a repository carries a marker of this tenant and environment, before a webhook is put on it.
   *
   * @throws PermanentException naming the repository and what it carries
   */
  public static void requireManagedHere(JsonNode repo, StepContext ctx) {
    Optional<String> marker = descriptionMarker(repo);
    String prefix = environmentPrefix(ctx.ownershipMarker());
    if (marker.isEmpty() || !marker.get().startsWith(prefix)) {
      throw new PermanentException("github: repository " + repo.path("full_name").asText()
          + " is not managed by this environment ("
          + marker.map(m -> "marker '" + m + "'").orElse("no ownership marker")
          + "); webhooks are only put on repositories a github.repository resource of this environment made");
    }
  }

  /** {@code tw:<tenant>/<environment>/} of a marker {@code tw:<tenant>/<environment>/<resource>@<hash>}. */
  static String environmentPrefix(String marker) {
    int first = marker.indexOf('/');
    int second = first < 0 ? -1 : marker.indexOf('/', first + 1);
    return second < 0 ? marker : marker.substring(0, second + 1);
  }

  // ------------------------------------------------------------------------------------ hooks

  /** The URL a hook is created with: {@code url} plus the marker as the {@value #HOOK_PARAM} query parameter. */
  public static String hookUrl(String url, String marker) {
    return url + (url.indexOf('?') < 0 ? "?" : url.endsWith("?") || url.endsWith("&") ? "" : "&") + HOOK_PARAM + "="
        + URLEncoder.encode(marker, StandardCharsets.UTF_8);
  }

  /** The marker in a hook's URL, if it has one. */
  public static Optional<String> hookMarker(String hookUrl) {
    int q = hookUrl.indexOf('?');
    if (q < 0) {
      return Optional.empty();
    }
    for (String pair : hookUrl.substring(q + 1).split("&")) {
      if (pair.startsWith(HOOK_PARAM + "=")) {
        return Optional.of(URLDecoder.decode(pair.substring(HOOK_PARAM.length() + 1), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  /** A hook's URL without the marker parameter: the URL the blueprint asked for. */
  public static String baseUrl(String hookUrl) {
    int q = hookUrl.indexOf('?');
    if (q < 0) {
      return hookUrl;
    }
    List<String> kept = new ArrayList<>();
    for (String pair : hookUrl.substring(q + 1).split("&")) {
      if (!pair.isEmpty() && !pair.startsWith(HOOK_PARAM + "=")) {
        kept.add(pair);
      }
    }
    return hookUrl.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(digest.length * 2);
      for (byte b : digest) {
        sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
