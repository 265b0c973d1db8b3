package dev.tenantwright.core.internal.engine;

import dev.tenantwright.spi.Secret;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Removes every secret value a run has seen from text before it is logged, stored or published.
 *
 * <p>Secrets are registered as they are resolved or read from outputs; error messages from plugins pass
 * through {@link #redact} because a backend may echo a value it was sent. Thread-safe.
 */
final class Redactor {

  private final Set<String> values = ConcurrentHashMap.newKeySet();
  private final java.util.function.Supplier<java.util.Collection<Secret>> more;

  Redactor() {
    this(java.util.List::of);
  }

  /** Also removes the secrets {@code more} supplies at the time (the plugins' configuration, bound lazily). */
  Redactor(java.util.function.Supplier<java.util.Collection<Secret>> more) {
    this.more = more;
  }

  void add(Secret secret) {
    if (secret != null && secret.length() >= 4) {
      values.add(secret.reveal());
    }
  }

  String redact(String text) {
    if (text == null) {
      return text;
    }
    for (Secret s : more.get()) {
      add(s);
    }
    if (values.isEmpty()) {
      return text;
    }
    String out = text;
    for (String v : values) {
      if (out.contains(v)) {
        out = out.replace(v, Secret.MASK);
      }
    }
    return out;
  }
}
