package dev.tenantwright.plugin.github;

import dev.tenantwright.spi.TenantwrightException;

/**
 * A webhook delivery {@link GitHubWebhooks} refused, with the HTTP status the endpoint should answer: 401 for a
 * missing, foreign-algorithm or wrong signature, 413 for a body over the limit, 415 for a content type GitHub does
 * not send, 400 for anything malformed. The message names what was wrong and never quotes the body or the secret.
 */
public class WebhookRejectedException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * Creates a refusal.
   *
   * @param status the status to answer with
   * @param message what was wrong
   */
  public WebhookRejectedException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The status the endpoint should answer with. */
  public int status() {
    return status;
  }
}
