package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.cli.internal.ApiClient;
import picocli.CommandLine.Option;

/**
 * The options every run-starting command takes — {@code --reason}, {@code --idempotency-key}, {@code --follow} —
 * and what it does with the server's answer, mixed into {@code provision}, {@code retry} and {@code destroy}.
 */
final class StartOptions {

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail (and an approver).")
  String reason;

  @Option(names = "--idempotency-key", paramLabel = "KEY", description = "The same key again returns the same run"
      + " (or approval request) instead of another.")
  String idempotencyKey;

  @Option(names = "--follow", description = "Follow the run to its end; exit code 0 only when it SUCCEEDED.")
  boolean follow;

  /** Adds the reason to a request body. */
  ObjectNode withReason(ObjectNode body) {
    ProvisionCommand.putIfSet(body, "reason", reason);
    return body;
  }

  /** Reports the run (or approval request) the server answered with, and follows it when asked. */
  int report(TenantwrightCli cli, ApiClient.Reply reply) {
    return Started.report(cli, reply, follow);
  }
}
