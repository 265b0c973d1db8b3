package dev.tenantwright.testkit.github.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A repository of the fake: what {@code GET /repos/{owner}/{repo}} shows, its branches with their commits (newest
 * last), its webhooks, and — while GitHub is still copying a template into it — how many more branch reads see it
 * empty. Guarded by the fake's monitor.
 */
public final class Repo {
  public long id;
  public String owner;
  public String ownerType = "Organization";
  public long ownerId;
  public String name;
  public String description;
  public boolean isPrivate;
  public boolean isTemplate;
  public String defaultBranch = "main";
  public List<String> topics = new ArrayList<>();
  public final Map<String, List<Commit>> branches = new LinkedHashMap<>();
  public final Map<Long, Hook> hooks = new LinkedHashMap<>();
  public String templateFullName;
  public Instant createdAt;
  public Instant updatedAt;
  public Instant pushedAt;
  /** Branch reads still answered "Branch not found" while the template's content is being copied in. */
  public int pendingReads;
  /** The commit the default branch gets once the copy is done. */
  public Commit pendingCommit;

  /** {@code owner/name}. */
  public String fullName() {
    return owner + "/" + name;
  }

  /** The newest commit of a branch, or null when the branch does not exist. */
  public Commit head(String branch) {
    List<Commit> commits = branches.get(branch);
    return commits == null || commits.isEmpty() ? null : commits.get(commits.size() - 1);
  }
}
