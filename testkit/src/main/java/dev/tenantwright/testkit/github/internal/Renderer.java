package dev.tenantwright.testkit.github.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the fake's state as GitHub's JSON: a {@code full-repository}, a {@code simple-user}, a
 * {@code branch-with-protection}, a {@code hook}, the error bodies, and the {@code push} and {@code ping} webhook
 * payloads — each with every field GitHub's documents require, so the fake's answers pass the contract as the real
 * ones do. Stateless.
 */
public final class Renderer {

  /** The API's base URL as GitHub prints it in answers. */
  public static final String API = "https://api.github.com";
  /** The web site's base URL. */
  public static final String WEB = "https://github.com";

  /**
   * The {@code *_url} fields of a repository and the part after {@code /repos/{owner}/{repo}}, in the RFC 6570
   * templates GitHub uses (docs.github.com/en/rest/repos/repos#get-a-repository, example answer).
   */
  private static final Map<String, String> REPO_URLS = repoUrls();

  private Renderer() {}

  private static Map<String, String> repoUrls() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("archive_url", "/{archive_format}{/ref}");
    m.put("assignees_url", "/assignees{/user}");
    m.put("blobs_url", "/git/blobs{/sha}");
    m.put("branches_url", "/branches{/branch}");
    m.put("collaborators_url", "/collaborators{/collaborator}");
    m.put("comments_url", "/comments{/number}");
    m.put("commits_url", "/commits{/sha}");
    m.put("compare_url", "/compare/{base}...{head}");
    m.put("contents_url", "/contents/{+path}");
    m.put("contributors_url", "/contributors");
    m.put("deployments_url", "/deployments");
    m.put("downloads_url", "/downloads");
    m.put("events_url", "/events");
    m.put("forks_url", "/forks");
    m.put("git_commits_url", "/git/commits{/sha}");
    m.put("git_refs_url", "/git/refs{/sha}");
    m.put("git_tags_url", "/git/tags{/sha}");
    m.put("hooks_url", "/hooks");
    m.put("issue_comment_url", "/issues/comments{/number}");
    m.put("issue_events_url", "/issues/events{/number}");
    m.put("issues_url", "/issues{/number}");
    m.put("keys_url", "/keys{/key_id}");
    m.put("labels_url", "/labels{/name}");
    m.put("languages_url", "/languages");
    m.put("merges_url", "/merges");
    m.put("milestones_url", "/milestones{/number}");
    m.put("notifications_url", "/notifications{?since,all,participating}");
    m.put("pulls_url", "/pulls{/number}");
    m.put("releases_url", "/releases{/id}");
    m.put("stargazers_url", "/stargazers");
    m.put("statuses_url", "/statuses/{sha}");
    m.put("subscribers_url", "/subscribers");
    m.put("subscription_url", "/subscription");
    m.put("tags_url", "/tags");
    m.put("teams_url", "/teams");
    m.put("trees_url", "/git/trees{/sha}");
    return Map.copyOf(m);
  }

  /** GitHub's timestamps: ISO 8601 in UTC to the second, e.g. {@code 2011-01-26T19:01:12Z}. */
  public static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** A {@code node_id}: GitHub's opaque global id, base64 here. */
  public static String nodeId(String kind, long id) {
    return Base64.getEncoder().withoutPadding()
        .encodeToString(("0" + kind.length() + ":" + kind + id).getBytes(StandardCharsets.UTF_8));
  }

  /** A {@code simple-user} for an account (a user or an organisation). */
  public static ObjectNode simpleUser(String login, long id, String type) {
    String api = API + "/users/" + login;
    return Json.mapper().createObjectNode()
        .put("login", login).put("id", id).put("node_id", nodeId("User", id))
        .put("avatar_url", "https://avatars.githubusercontent.com/u/" + id + "?v=4").put("gravatar_id", "")
        .put("url", api).put("html_url", WEB + "/" + login)
        .put("followers_url", api + "/followers").put("following_url", api + "/following{/other_user}")
        .put("gists_url", api + "/gists{/gist_id}").put("starred_url", api + "/starred{/owner}{/repo}")
        .put("subscriptions_url", api + "/subscriptions").put("organizations_url", api + "/orgs")
        .put("repos_url", api + "/repos").put("events_url", api + "/events{/privacy}")
        .put("received_events_url", api + "/received_events").put("type", type).put("user_view_type", "public")
        .put("site_admin", false);
  }

  /** The fields a repository has in every GitHub rendering: identity, URLs, counters and flags. */
  private static ObjectNode repoCore(Repo r, ObjectNode owner) {
    String api = API + "/repos/" + r.fullName();
    ObjectNode o = Json.mapper().createObjectNode().put("id", r.id).put("node_id", nodeId("Repository", r.id))
        .put("name", r.name).put("full_name", r.fullName()).put("private", r.isPrivate);
    o.set("owner", owner);
    o.put("html_url", WEB + "/" + r.fullName());
    if (r.description == null) {
      o.putNull("description");
    } else {
      o.put("description", r.description);
    }
    o.put("fork", false).put("url", api);
    REPO_URLS.forEach((field, suffix) -> o.put(field, api + suffix));
    o.put("git_url", "git://github.com/" + r.fullName() + ".git").put("ssh_url", "git@github.com:" + r.fullName() + ".git")
        .put("clone_url", WEB + "/" + r.fullName() + ".git").put("svn_url", WEB + "/" + r.fullName());
    o.putNull("homepage");
    o.putNull("mirror_url");
    o.putNull("language");
    o.putNull("license");
    o.put("size", r.branches.isEmpty() ? 0 : 108).put("stargazers_count", 0).put("watchers_count", 0)
        .put("has_issues", true).put("has_projects", true).put("has_downloads", true).put("has_wiki", true)
        .put("has_pages", false).put("has_discussions", false).put("forks_count", 0).put("archived", false)
        .put("disabled", false).put("open_issues_count", 0).put("forks", 0).put("open_issues", 0).put("watchers", 0)
        .put("default_branch", r.defaultBranch).put("is_template", r.isTemplate)
        .put("visibility", r.isPrivate ? "private" : "public");
    ArrayNode topics = o.putArray("topics");
    r.topics.forEach(topics::add);
    return o;
  }

  /**
   * A {@code full-repository}, as {@code GET /repos/{owner}/{repo}}, {@code PATCH} and {@code POST .../generate}
   * answer; {@code template_repository} names the template a repository was generated from.
   */
  public static ObjectNode fullRepository(Repo r, Repo template) {
    ObjectNode o = repoCore(r, simpleUser(r.owner, r.ownerId, r.ownerType));
    o.put("created_at", time(r.createdAt)).put("updated_at", time(r.updatedAt));
    if (r.pushedAt == null) {
      o.put("pushed_at", time(r.createdAt));
    } else {
      o.put("pushed_at", time(r.pushedAt));
    }
    o.put("network_count", 0).put("subscribers_count", 1).put("allow_forking", true)
        .put("web_commit_signoff_required", false);
    ObjectNode perms = o.putObject("permissions");
    perms.put("admin", true).put("maintain", true).put("push", true).put("triage", true).put("pull", true);
    if (template != null) {
      ObjectNode t = repoCore(template, simpleUser(template.owner, template.ownerId, template.ownerType));
      t.put("created_at", time(template.createdAt)).put("updated_at", time(template.updatedAt))
          .put("pushed_at", time(template.pushedAt == null ? template.createdAt : template.pushedAt));
      o.set("template_repository", t);
    }
    return o;
  }

  /**
   * A {@code branch-with-protection}, as {@code GET /repos/{owner}/{repo}/branches/{branch}} answers for an
   * unprotected branch.
   */
  public static ObjectNode branch(Repo r, String branch, Commit head) {
    String api = API + "/repos/" + r.fullName();
    ObjectNode o = Json.mapper().createObjectNode().put("name", branch);
    ObjectNode c = o.putObject("commit").put("sha", head.sha()).put("node_id", nodeId("Commit", head.sha().hashCode()))
        .put("url", api + "/commits/" + head.sha()).put("html_url", WEB + "/" + r.fullName() + "/commit/" + head.sha())
        .put("comments_url", api + "/commits/" + head.sha() + "/comments");
    ObjectNode gc = c.putObject("commit").put("url", api + "/git/commits/" + head.sha()).put("message", head.message())
        .put("comment_count", 0);
    gc.set("author", gitUser(head));
    gc.set("committer", gitUser(head));
    gc.putObject("tree").put("sha", head.treeId()).put("url", api + "/git/trees/" + head.treeId());
    gc.putObject("verification").put("verified", false).put("reason", "unsigned").putNull("signature").putNull("payload")
        .putNull("verified_at");
    // no account has the commit's e-mail: an empty object, the document's alternative to a simple-user (GitHub
    // also sends null there, which the validator cannot match against a nullable oneOf)
    c.putObject("author");
    c.putObject("committer");
    ArrayNode parents = c.putArray("parents");
    if (head.parent() != null) {
      parents.addObject().put("sha", head.parent()).put("url", api + "/commits/" + head.parent())
          .put("html_url", WEB + "/" + r.fullName() + "/commit/" + head.parent());
    }
    o.putObject("_links").put("self", api + "/branches/" + branch).put("html", WEB + "/" + r.fullName() + "/tree/" + branch);
    o.put("protected", false);
    ObjectNode protection = o.putObject("protection").put("enabled", false);
    ObjectNode checks = protection.putObject("required_status_checks").put("enforcement_level", "off");
    checks.putArray("contexts");
    checks.putArray("checks");
    o.put("protection_url", api + "/branches/" + branch + "/protection");
    return o;
  }

  private static ObjectNode gitUser(Commit c) {
    return Json.mapper().createObjectNode().put("name", c.author()).put("email", c.email())
        .put("date", time(c.timestamp()));
  }

  /** A {@code hook}: the secret is shown as {@code ********} when one is set, as GitHub does. */
  public static ObjectNode hook(Repo r, Hook h) {
    String api = API + "/repos/" + r.fullName() + "/hooks/" + h.id;
    ObjectNode o = Json.mapper().createObjectNode().put("type", "Repository").put("id", h.id).put("name", "web")
        .put("active", h.active);
    ArrayNode events = o.putArray("events");
    h.events.forEach(events::add);
    o.set("config", config(h));
    o.put("updated_at", time(h.updatedAt)).put("created_at", time(h.createdAt)).put("url", api)
        .put("test_url", api + "/test").put("ping_url", api + "/pings").put("deliveries_url", api + "/deliveries");
    ObjectNode last = o.putObject("last_response");
    if (h.lastCode == null) {
      last.putNull("code");
    } else {
      last.put("code", h.lastCode);
    }
    last.put("status", h.lastStatus);
    if (h.lastMessage == null) {
      last.putNull("message");
    } else {
      last.put("message", h.lastMessage);
    }
    return o;
  }

  private static ObjectNode config(Hook h) {
    ObjectNode c = Json.mapper().createObjectNode().put("content_type", h.contentType).put("insecure_ssl", h.insecureSsl);
    if (h.secret != null) {
      c.put("secret", "********");
    }
    c.put("url", h.url);
    return c;
  }

  /** GitHub's {@code basic-error}: {@code {"message","documentation_url","status"}}. */
  public static ObjectNode error(int status, String message, String documentationUrl) {
    return Json.mapper().createObjectNode().put("message", message).put("documentation_url", documentationUrl)
        .put("status", Integer.toString(status));
  }

  /**
   * GitHub's {@code validation-error}, e.g. a taken name: {@code {"message":"Repository creation failed.",
   * "errors":[{"resource":"Repository","code":"custom","field":"name","message":"name already exists on this
   * account"}]}}.
   */
  public static ObjectNode validationError(String message, String resource, String code, String field, String detail,
      String documentationUrl) {
    ObjectNode o = Json.mapper().createObjectNode().put("message", message);
    ObjectNode e = o.putArray("errors").addObject().put("resource", resource).put("code", code);
    if (field != null) {
      e.put("field", field);
    }
    if (detail != null) {
      e.put("message", detail);
    }
    o.put("documentation_url", documentationUrl).put("status", "422");
    return o;
  }

  /**
   * The repository as webhook payloads carry it (docs.github.com/en/webhooks/webhook-events-and-payloads#push):
   * in a {@code push}, {@code created_at} and {@code pushed_at} are epoch seconds, not timestamps.
   */
  public static ObjectNode payloadRepository(Repo r, boolean epochTimes) {
    ObjectNode owner = simpleUser(r.owner, r.ownerId, r.ownerType);
    if (epochTimes) {
      owner.put("name", r.owner).putNull("email");
    }
    ObjectNode o = repoCore(r, owner);
    if (epochTimes) {
      o.put("created_at", r.createdAt.getEpochSecond()).put("updated_at", time(r.updatedAt))
          .put("pushed_at", (r.pushedAt == null ? r.createdAt : r.pushedAt).getEpochSecond());
      o.put("stargazers", 0).put("master_branch", r.defaultBranch);
      if (!"User".equals(r.ownerType)) {
        o.put("organization", r.owner);
      }
    } else {
      o.put("created_at", time(r.createdAt)).put("updated_at", time(r.updatedAt))
          .put("pushed_at", time(r.pushedAt == null ? r.createdAt : r.pushedAt));
    }
    o.putObject("custom_properties");
    return o;
  }

  /** A commit as a {@code push} payload lists it. */
  public static ObjectNode payloadCommit(Repo r, Commit c) {
    ObjectNode o = Json.mapper().createObjectNode().put("id", c.sha()).put("tree_id", c.treeId()).put("distinct", true)
        .put("message", c.message()).put("timestamp", c.timestamp().toString())
        .put("url", WEB + "/" + r.fullName() + "/commit/" + c.sha());
    for (String who : List.of("author", "committer")) {
      o.putObject(who).put("name", c.author()).put("email", c.email()).put("username", c.author());
    }
    o.putArray("added").add("index.html");
    o.putArray("removed");
    o.putArray("modified");
    return o;
  }
}
