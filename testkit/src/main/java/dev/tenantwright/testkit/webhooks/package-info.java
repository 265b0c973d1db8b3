/** A receiver for status webhooks and {@code webhook.call} steps: the host's side, for tests and sandboxes. */
package dev.tenantwright.testkit.webhooks;
