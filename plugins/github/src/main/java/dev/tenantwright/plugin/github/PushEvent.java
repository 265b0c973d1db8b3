package dev.tenantwright.plugin.github;

import dev.tenantwright.spi.Nullable;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code push} webhook event as a host needs it to react — which repository, which ref moved from where to where,
 * who pushed, and the newest commit (docs.github.com/en/webhooks/webhook-events-and-payloads#push).
 *
 * @param repository the repository's {@code full_name}, e.g. {@code acme-sites/acme--demo--site}
 * @param ref the full ref that was pushed, e.g. {@code refs/heads/main} or {@code refs/tags/v1.2.0}
 * @param before the sha the ref pointed at before; forty zeros for a new ref
 * @param after the sha the ref points at now; forty zeros when the ref was deleted
 * @param created whether the push created the ref
 * @param deleted whether the push deleted the ref ({@code after} is then all zeros and there is no head commit)
 * @param forced whether it was a force push
 * @param pusher the pusher's name
 * @param headCommitId the newest commit's sha, or null (a deleted ref)
 * @param headCommitMessage the newest commit's message, or null
 */
public record PushEvent(
    String repository,
    String ref,
    String before,
    String after,
    boolean created,
    boolean deleted,
    boolean forced,
    String pusher,
    @Nullable String headCommitId,
    @Nullable String headCommitMessage) {

  private static final String HEADS = "refs/heads/";

  /** Validates presence. */
  public PushEvent {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(pusher, "pusher");
  }

  /** The branch pushed to, e.g. {@code main}; empty for a tag. */
  public Optional<String> branch() {
    return ref.startsWith(HEADS) ? Optional.of(ref.substring(HEADS.length())) : Optional.empty();
  }
}
