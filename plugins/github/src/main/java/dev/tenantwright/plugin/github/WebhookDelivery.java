package dev.tenantwright.plugin.github;

import java.util.Objects;

/**
 * What {@link GitHubWebhooks#receive} made of a verified delivery, with the answer the host's endpoint should give
 * GitHub: a {@link Ping} when a hook was created, a {@link Push} to act on, or {@link Ignored} for any other event.
 *
 * <pre>{@code
 * WebhookDelivery d = webhooks.receive(exchange.getRequestHeaders()::getFirst, exchange.getRequestBody());
 * if (d instanceof WebhookDelivery.Push push && push.event().branch().orElse("").equals("main")) {
 *   redeploy(push.event().repository(), push.event().after());
 * }
 * respond(d.status(), d.responseText());
 * }</pre>
 */
public sealed interface WebhookDelivery permits WebhookDelivery.Ping, WebhookDelivery.Push, WebhookDelivery.Ignored {

  /** The {@code X-GitHub-Delivery} id (a GUID, the same on GitHub's redeliveries), or empty if none was sent. */
  String deliveryId();

  /** The status to answer with. */
  int status();

  /** The body to answer with (text). */
  String responseText();

  /**
   * GitHub's {@code ping}, sent when a hook is created: answer 200 "pong".
   *
   * @param deliveryId the delivery id
   * @param hookId the hook's id
   * @param zen GitHub's random line of zen
   */
  record Ping(String deliveryId, long hookId, String zen) implements WebhookDelivery {
    /** Validates presence. */
    public Ping {
      Objects.requireNonNull(deliveryId, "deliveryId");
      Objects.requireNonNull(zen, "zen");
    }

    @Override
    public int status() {
      return 200;
    }

    @Override
    public String responseText() {
      return "pong";
    }
  }

  /**
   * A {@code push}: answer 202 at once and act on it afterwards (GitHub gives up on a delivery after 10 seconds).
   *
   * @param deliveryId the delivery id: keep the last few to drop GitHub's redeliveries
   * @param event what was pushed
   */
  record Push(String deliveryId, PushEvent event) implements WebhookDelivery {
    /** Validates presence. */
    public Push {
      Objects.requireNonNull(deliveryId, "deliveryId");
      Objects.requireNonNull(event, "event");
    }

    @Override
    public int status() {
      return 202;
    }

    @Override
    public String responseText() {
      return "accepted";
    }
  }

  /**
   * Any other event: verified, but nothing to do; answer 202.
   *
   * @param deliveryId the delivery id
   * @param event the {@code X-GitHub-Event}, e.g. {@code issues}
   */
  record Ignored(String deliveryId, String event) implements WebhookDelivery {
    /** Validates presence. */
    public Ignored {
      Objects.requireNonNull(deliveryId, "deliveryId");
      Objects.requireNonNull(event, "event");
    }

    @Override
    public int status() {
      return 202;
    }

    @Override
    public String responseText() {
      return "ignored: " + event;
    }
  }
}
