package dev.tenantwright.testkit.github;

import java.util.Map;
import java.util.Objects;

/**
 * One webhook delivery {@link GitHubFake} made, as GitHub's "Recent Deliveries" shows it: the event, the delivery id
 * ({@code X-GitHub-Delivery}), the hook and URL it went to, the headers and body exactly as sent, and the receiver's
 * answer.
 *
 * @param event the {@code X-GitHub-Event}, e.g. {@code push} or {@code ping}
 * @param id the {@code X-GitHub-Delivery} GUID
 * @param hookId the hook's id
 * @param url the URL it was posted to (the hook's {@code config.url})
 * @param headers the request headers as sent, {@code X-Hub-Signature-256} included
 * @param body the raw body as sent: JSON, or {@code payload=<url-encoded JSON>} for a {@code form} hook
 * @param status the receiver's HTTP status, or 0 when nothing answered (see {@code error})
 * @param error why there is no status (connection refused, not a loopback address), or null
 */
public record HookDelivery(String event, String id, long hookId, String url, Map<String, String> headers, String body,
    int status, String error) {

  /** Copies the headers. */
  public HookDelivery {
    Objects.requireNonNull(event, "event");
    headers = Map.copyOf(headers);
  }

  /** Whether the receiver answered 2xx. */
  public boolean succeeded() {
    return status >= 200 && status < 300;
  }
}
