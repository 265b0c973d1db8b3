package dev.tenantwright.plugin.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.github.internal.GitHubApi;
import dev.tenantwright.plugin.github.internal.Ownership;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code github.webhook}: a repository webhook delivering events (by default {@code push}) to the host's endpoint,
 * signed with a secret of the environment; owned through the marker it carries in its URL's query (see
 * {@link Ownership}).
 *
 * <p>create checks that the repository was made by this tenant and environment, then lists its hooks
 * ({@code GET /repos/{owner}/{repo}/hooks}) for one to the same URL: CREATED when this step made it (a retry after a
 * lost answer), ADOPTED when an earlier run of this resource did, otherwise a {@link PermanentException} — someone
 * else's hook to that URL is never touched. A new hook is made by {@code POST /repos/{owner}/{repo}/hooks} with
 * {@code content_type} {@code json} (GitHub's own default is {@code form}), the events, and the secret read with
 * {@code ctx.secret(name)} — sent to GitHub and nowhere else: not logged, not an output. update
 * ({@code PATCH /repos/{owner}/{repo}/hooks/{hook_id}}) sends the whole configuration again, secret included, because
 * GitHub replaces the configuration as a whole and would drop a secret left out; a changed repository moves the hook
 * (a new one there, then the old one deleted). delete ({@code DELETE .../hooks/{hook_id}}) removes only a hook that
 * still carries this resource's marker; 404 is gone.
 *
 * <p>Stateless and thread-safe.
 */
@Extension
public final class GitHubWebhookType
    implements ResourceType<WebhookSpec, WebhookOutputs>, Updatable<WebhookSpec, WebhookOutputs> {

  private static final Logger LOG = LoggerFactory.getLogger(GitHubWebhookType.class);

  @Override
  public String type() {
    return "github.webhook";
  }

  @Override
  public Class<WebhookSpec> specType() {
    return WebhookSpec.class;
  }

  @Override
  public Class<WebhookOutputs> outputType() {
    return WebhookOutputs.class;
  }

  /** The {@code github} section binds to {@link GitHubConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return GitHubConfig.class;
  }

  @Override
  public CreateResult<WebhookOutputs> create(WebhookSpec spec, StepContext ctx) {
    GitHubApi api = api(ctx);
    checkScheme(spec, api);
    String owner = spec.repositoryOwner();
    String repo = spec.repositoryName();
    JsonNode repository = api.repository(owner, repo).orElseThrow(() -> new PermanentException("github: repository "
        + spec.repository() + " does not exist; make it with a github.repository resource of this environment first"));
    Ownership.requireManagedHere(repository, ctx);
    Optional<JsonNode> existing = find(api, spec);
    if (existing.isPresent()) {
      return judge(existing.get(), spec, ctx);
    }
    ctx.progress().report(30, "adding a webhook to " + spec.repository());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "web");
    body.putAll(settings(spec, ctx.ownershipMarker(), secret(spec, ctx)));
    RestResponse made = api.createHook(owner, repo, body);
    if (made.status() == 422 && alreadyExists(made.json())) {
      JsonNode hook = find(api, spec).orElseThrow(() -> new PermanentException("github: GitHub reports a webhook to "
          + spec.url() + " on " + spec.repository() + " (422), but none is listed"));
      return judge(hook, spec, ctx);
    }
    JsonNode hook = made.requireSuccess().json();
    LOG.debug("created webhook {} on {}", hook.path("id").asLong(), spec.repository());
    return CreateResult.created(outputs(hook, spec));
  }

  @Override
  public Optional<WebhookOutputs> read(WebhookSpec spec, WebhookOutputs outputs, StepContext ctx) {
    GitHubApi api = api(ctx);
    Optional<JsonNode> hook = outputs != null && outputs.repository().equals(spec.repository())
        ? api.hook(spec.repositoryOwner(), spec.repositoryName(), outputs.id())
        : find(api, spec);
    return hook.filter(h -> marker(h).map(ctx::belongsHere).orElse(false)).map(h -> outputs(h, spec));
  }

  @Override
  public WebhookOutputs update(WebhookSpec spec, WebhookSpec previous, WebhookOutputs outputs, StepContext ctx) {
    GitHubApi api = api(ctx);
    checkScheme(spec, api);
    if (!spec.repository().equals(outputs.repository())) {
      WebhookOutputs moved = create(spec, ctx).outputs();
      delete(previous, outputs, ctx);
      return moved;
    }
    Optional<JsonNode> hook = api.hook(spec.repositoryOwner(), spec.repositoryName(), outputs.id());
    if (hook.isEmpty()) {
      // deleted outside Tenantwright: make it again
      return create(spec, ctx).outputs();
    }
    Optional<String> marker = marker(hook.get());
    if (!marker.map(ctx::belongsHere).orElse(false)) {
      throw new PermanentException("github: refusing to change webhook " + outputs.id() + " on " + outputs.repository()
          + ": it does not carry this resource's marker (" + marker.orElse("none") + ")");
    }
    JsonNode updated = api.updateHook(spec.repositoryOwner(), spec.repositoryName(), outputs.id(),
        settings(spec, marker.get(), secret(spec, ctx)));
    return outputs(updated, spec);
  }

  @Override
  public void delete(WebhookSpec spec, WebhookOutputs outputs, StepContext ctx) {
    GitHubApi api = api(ctx);
    String[] full = GitHubRepositoryType.split(outputs.repository());
    Optional<JsonNode> hook = api.hook(full[0], full[1], outputs.id());
    if (hook.isEmpty()) {
      return;
    }
    Optional<String> marker = marker(hook.get());
    if (!marker.map(ctx::belongsHere).orElse(false)) {
      throw new PermanentException("github: refusing to delete webhook " + outputs.id() + " on " + outputs.repository()
          + ": it does not carry this resource's marker (" + marker.orElse("none") + ")");
    }
    api.deleteHook(full[0], full[1], outputs.id());
  }

  private static CreateResult<WebhookOutputs> judge(JsonNode hook, WebhookSpec spec, StepContext ctx) {
    Optional<String> marker = marker(hook);
    if (marker.isPresent() && ctx.isOurs(marker.get())) {
      return CreateResult.created(outputs(hook, spec));
    }
    if (marker.isPresent() && ctx.belongsHere(marker.get())) {
      return CreateResult.adopted(outputs(hook, spec));
    }
    throw new PermanentException("github: repository " + spec.repository() + " already has a webhook to " + spec.url()
        + " (" + hook.path("id").asLong() + ") that is not managed by this resource ("
        + marker.map(m -> "its marker is '" + m + "'").orElse("it has no ownership marker") + "); remove it or "
        + "choose another URL");
  }

  /** The configuration, events and state of a hook: sent whole on create and on every update. */
  private static Map<String, Object> settings(WebhookSpec spec, String marker, Secret secret) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("url", Ownership.hookUrl(spec.url(), marker));
    config.put("content_type", spec.effectiveContentType());
    config.put("secret", secret.reveal());
    config.put("insecure_ssl", "0");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("config", config);
    body.put("events", spec.effectiveEvents());
    body.put("active", spec.effectiveActive());
    return body;
  }

  private static Secret secret(WebhookSpec spec, StepContext ctx) {
    return ctx.secret(spec.secret()).orElseThrow(() -> new PermanentException(
        "github: field 'secret': no secret named '" + spec.secret() + "' in this environment; add a secret resource of that name and list it in this resource's "
        + "needs, or configure a host secret"));
  }

  /** The repository's hook to the spec's URL, whatever its marker. */
  private static Optional<JsonNode> find(GitHubApi api, WebhookSpec spec) {
    for (JsonNode h : api.hooks(spec.repositoryOwner(), spec.repositoryName())) {
      if (Ownership.baseUrl(h.path("config").path("url").asText()).equals(spec.url())) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> marker(JsonNode hook) {
    return Ownership.hookMarker(hook.path("config").path("url").asText());
  }

  private static boolean alreadyExists(JsonNode error) {
    for (JsonNode e : error.path("errors")) {
      if (e.path("message").asText().contains("already exists")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Refuses a plain-http URL unless the configuration allows it and it names a loopback address: deliveries carry
   * the repository's pushes, and their signature proves who sent them, not that nobody read them.
   */
  private static void checkScheme(WebhookSpec spec, GitHubApi api) {
    URI uri = URI.create(spec.url());
    if (uri.getScheme().equalsIgnoreCase("https")) {
      return;
    }
    if (!api.config().httpHooksAllowed() || !loopback(uri.getHost())) {
      throw new PermanentException("github: field 'url': \"" + spec.url() + "\" must be an https URL (plain http is "
          + "only allowed to a loopback address, with allowHttpHooks in the plugin configuration)");
    }
  }

  private static boolean loopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+") && !h.startsWith("[")) {
      return false;
    }
    try {
      // a literal address: no name is looked up
      return InetAddress.getByName(h.startsWith("[") ? h.substring(1, h.length() - 1) : h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static WebhookOutputs outputs(JsonNode hook, WebhookSpec spec) {
    return new WebhookOutputs(hook.path("id").asLong(), spec.repository(),
        Ownership.baseUrl(hook.path("config").path("url").asText()));
  }

  private static GitHubApi api(StepContext ctx) {
    return GitHubApi.of(ctx.config(GitHubConfig.class)).forStep(ctx);
  }
}
