package dev.tenantwright.plugin.compose;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.io.IOException;
import java.util.Objects;

/**
 * The parts of a git push webhook (GitHub's {@code push} event payload, also sent by Gitea and Forgejo) a
 * host needs to decide on a redeploy: which ref moved to which commit in which repository.
 *
 * <p>Parse it only after {@link WebhookVerifier#verify} accepted the body. Immutable.
 *
 * @param ref the full ref, e.g. {@code refs/heads/main}
 * @param before the commit the ref pointed to before
 * @param after the commit it points to now (all zeros when the ref was deleted)
 * @param repository the repository's full name, e.g. {@code acme/website}
 * @param deleted whether the push deleted the ref
 */
public record PushEvent(String ref, String before, String after, @Nullable String repository, boolean deleted) {

  private static final String BRANCH_PREFIX = "refs/heads/";

  /** Validates presence. */
  public PushEvent {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
  }

  /**
   * Reads a push payload.
   *
   * @throws PermanentException if the body is not JSON or lacks {@code ref}, {@code before} or {@code after}
   */
  public static PushEvent parse(byte[] body) {
    JsonNode doc;
    try {
      doc = SupportJson.mapper().readTree(body);
    } catch (IOException e) {
      throw new PermanentException("webhook body is not JSON", e);
    }
    if (doc == null || !doc.path("ref").isTextual() || !doc.path("after").isTextual() || !doc.path("before").isTextual()) {
      throw new PermanentException("webhook body is not a push event: 'ref', 'before' and 'after' are required");
    }
    JsonNode repo = doc.path("repository").path("full_name");
    return new PushEvent(doc.get("ref").asText(), doc.get("before").asText(), doc.get("after").asText(),
        repo.isTextual() ? repo.asText() : null, doc.path("deleted").asBoolean(false));
  }

  /** The branch name when the ref is a branch ({@code main} for {@code refs/heads/main}), else null. */
  public @Nullable String branch() {
    return ref.startsWith(BRANCH_PREFIX) ? ref.substring(BRANCH_PREFIX.length()) : null;
  }
}
