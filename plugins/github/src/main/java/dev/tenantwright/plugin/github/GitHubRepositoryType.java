package dev.tenantwright.plugin.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.github.internal.GitHubApi;
import dev.tenantwright.plugin.github.internal.Ownership;
import dev.tenantwright.plugin.github.internal.Ownership.Verdict;
import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code github.repository}: a repository generated from a template repository, owned through the marker at the end
 * of its description and a topic derived from it (see {@link Ownership} for why two).
 *
 * <p>create reads {@code GET /repos/{owner}/{repo}} first; an existing repository is reported CREATED when this step
 * made it (a retry after a lost answer), ADOPTED when an earlier run of this resource did, and is otherwise a
 * {@link PermanentException} naming the conflict — never touched. A new repository is made by
 * {@code POST /repos/{template_owner}/{template_repo}/generate} with the marker in its description, so it is never
 * unmarked; GitHub's 422 "name already exists on this account" (someone took the name meanwhile) is judged the same
 * way after reading the repository again. Generation is asynchronous: the call answers at once with an empty
 * repository, and create waits — polling {@code GET .../branches/{default_branch}} through {@code ctx.pause}, so the
 * step's deadline and cancellation hold — until the default branch has its first commit. update changes the
 * description and visibility in place ({@code PATCH /repos/{owner}/{repo}}); a changed owner or name is refused
 * rather than replaced, because a repository holds what was pushed to it, and a changed template only matters to
 * repositories made from now on. delete
 * ({@code DELETE /repos/{owner}/{repo}}) removes only a repository that still belongs to this resource, and treats
 * 404 as gone.
 *
 * <p>Repositories are {@linkplain #dataBearing() data-bearing}. Stateless and thread-safe.
 */
@Extension
public final class GitHubRepositoryType
    implements ResourceType<RepositorySpec, RepositoryOutputs>, Updatable<RepositorySpec, RepositoryOutputs> {

  private static final Logger LOG = LoggerFactory.getLogger(GitHubRepositoryType.class);
  /** GitHub allows 20 topics on a repository. */
  private static final int MAX_TOPICS = 20;

  @Override
  public String type() {
    return "github.repository";
  }

  @Override
  public Class<RepositorySpec> specType() {
    return RepositorySpec.class;
  }

  @Override
  public Class<RepositoryOutputs> outputType() {
    return RepositoryOutputs.class;
  }

  /** The {@code github} section binds to {@link GitHubConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return GitHubConfig.class;
  }

  /** A repository holds the site's source and everything pushed to it since. */
  @Override
  public boolean dataBearing() {
    return true;
  }

  @Override
  public CreateResult<RepositoryOutputs> create(RepositorySpec spec, StepContext ctx) {
    GitHubApi api = api(ctx);
    String owner = spec.owner();
    String name = name(spec, ctx);
    JsonNode repo = api.repository(owner, name).orElse(null);
    Verdict verdict;
    if (repo != null) {
      verdict = judge(repo, ctx);
    } else {
      ctx.progress().report(20, "creating GitHub repository " + owner + "/" + name + " from " + spec.template());
      RestResponse made = api.generate(spec.templateOwner(), spec.templateName(), body(spec, owner, name, ctx));
      if (made.status() == 422 && nameTaken(made.json())) {
        repo = api.repository(owner, name).orElseThrow(() -> new PermanentException("github: the repository name "
            + owner + "/" + name + " is taken (422), but no repository of that name is visible to this token"));
        verdict = judge(repo, ctx);
      } else {
        repo = made.requireSuccess().json();
        verdict = Verdict.OURS;
        LOG.debug("generated GitHub repository {} from {}", repo.path("full_name").asText(), spec.template());
      }
    }
    markWithTopic(api, repo, ctx);
    awaitContent(api, repo, ctx);
    RepositoryOutputs out = outputs(repo);
    return verdict == Verdict.OURS ? CreateResult.created(out) : CreateResult.adopted(out);
  }

  @Override
  public Optional<RepositoryOutputs> read(RepositorySpec spec, RepositoryOutputs outputs, StepContext ctx) {
    String[] full = outputs != null ? split(outputs.fullName()) : new String[] {spec.owner(), name(spec, ctx)};
    return api(ctx).repository(full[0], full[1])
        .filter(r -> Ownership.judge(r, ctx) != Verdict.FOREIGN)
        .map(GitHubRepositoryType::outputs);
  }

  @Override
  public RepositoryOutputs update(RepositorySpec spec, RepositorySpec previous, RepositoryOutputs outputs,
      StepContext ctx) {
    String wanted = spec.owner() + "/" + name(spec, ctx);
    if (!wanted.equalsIgnoreCase(outputs.fullName())) {
      throw new PermanentException("github: repository " + outputs.fullName() + " cannot become " + wanted + " in "
          + "place, and it is not replaced because it holds what was pushed to it; keep owner and name, or add a new "
          + "resource and remove this one");
    }
    GitHubApi api = api(ctx);
    String[] full = split(outputs.fullName());
    JsonNode repo = api.repository(full[0], full[1]).orElseThrow(() -> new PermanentException("github: repository "
        + outputs.fullName() + " vanished; it was deleted outside Tenantwright"));
    if (Ownership.judge(repo, ctx) == Verdict.FOREIGN) {
      throw new PermanentException("github: refusing to change repository " + outputs.fullName() + ": "
          + Ownership.foreignReason(repo));
    }
    String marker = Ownership.descriptionMarker(repo).orElse(ctx.ownershipMarker());
    Map<String, Object> patch = new LinkedHashMap<>();
    patch.put("description", Ownership.describe(spec.description(), marker));
    patch.put("private", spec.privateRepository());
    JsonNode updated = api.updateRepository(full[0], full[1], patch);
    markWithTopic(api, updated, ctx);
    return outputs(updated);
  }

  @Override
  public void delete(RepositorySpec spec, RepositoryOutputs outputs, StepContext ctx) {
    GitHubApi api = api(ctx);
    String[] full = split(outputs.fullName());
    Optional<JsonNode> repo = api.repository(full[0], full[1]);
    if (repo.isEmpty()) {
      return;
    }
    if (Ownership.judge(repo.get(), ctx) == Verdict.FOREIGN) {
      throw new PermanentException("github: refusing to delete repository " + outputs.fullName() + ": it no longer "
          + "belongs to this resource (" + Ownership.foreignReason(repo.get()) + ")");
    }
    ctx.progress().report(50, "deleting GitHub repository " + outputs.fullName());
    api.deleteRepository(full[0], full[1]);
  }

  private static Verdict judge(JsonNode repo, StepContext ctx) {
    Verdict v = Ownership.judge(repo, ctx);
    if (v == Verdict.FOREIGN) {
      throw new PermanentException("github: repository " + repo.path("full_name").asText() + " already exists and is "
          + "not managed by this resource (" + Ownership.foreignReason(repo) + "); choose another name or remove it");
    }
    return v;
  }

  /** Whether a 422 from generate says the name is taken on the account. */
  private static boolean nameTaken(JsonNode error) {
    for (JsonNode e : error.path("errors")) {
      if ("name".equals(e.path("field").asText()) && e.path("message").asText().contains("already exists")) {
        return true;
      }
    }
    return false;
  }

  /** Adds this resource's topic to a repository that lacks it, keeping its other topics. */
  private static void markWithTopic(GitHubApi api, JsonNode repo, StepContext ctx) {
    String topic = Ownership.topic(ctx.ownershipMarker());
    List<String> topics = Ownership.topics(repo);
    if (topics.contains(topic)) {
      return;
    }
    if (topics.size() >= MAX_TOPICS) {
      LOG.debug("repository {} has {} topics already; its marker stays in the description only",
          repo.path("full_name").asText(), topics.size());
      return;
    }
    List<String> names = new ArrayList<>(topics);
    names.add(topic);
    String[] full = split(repo.path("full_name").asText());
    api.replaceTopics(full[0], full[1], names);
  }

  /** Waits until GitHub has copied the template in: the default branch has a commit. */
  private static void awaitContent(GitHubApi api, JsonNode repo, StepContext ctx) {
    String[] full = split(repo.path("full_name").asText());
    String branch = repo.path("default_branch").asText("main");
    Duration wait = api.config().effectivePollInterval();
    Duration max = api.config().effectiveMaxPollInterval();
    while (!api.branchExists(full[0], full[1], branch)) {
      ctx.checkCancelled();
      ctx.progress().report(60, "waiting for GitHub to copy the template into " + full[0] + "/" + full[1]);
      ctx.pause(wait);
      wait = wait.multipliedBy(2).compareTo(max) > 0 ? max : wait.multipliedBy(2);
    }
  }

  private static Map<String, Object> body(RepositorySpec spec, String owner, String name, StepContext ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("owner", owner);
    body.put("name", name);
    body.put("description", Ownership.describe(spec.description(), ctx.ownershipMarker()));
    body.put("private", spec.privateRepository());
    body.put("include_all_branches", Boolean.TRUE.equals(spec.includeAllBranches()));
    return body;
  }

  private static String name(RepositorySpec spec, StepContext ctx) {
    return Names.githubRepository("name", spec.name() != null ? spec.name() : ctx.resourceName());
  }

  static String[] split(String fullName) {
    int slash = fullName.indexOf('/');
    return new String[] {fullName.substring(0, slash), fullName.substring(slash + 1)};
  }

  static RepositoryOutputs outputs(JsonNode r) {
    return new RepositoryOutputs(r.path("id").asLong(), r.path("full_name").asText(), r.path("html_url").asText(),
        r.path("clone_url").asText(), r.path("default_branch").asText());
  }

  private static GitHubApi api(StepContext ctx) {
    return GitHubApi.of(ctx.config(GitHubConfig.class)).forStep(ctx);
  }
}
