package dev.tenantwright.core.internal.plugins;

import java.util.function.Supplier;

/**
 * Runs plugin code with the plugin's class loader as the thread's context class loader, so libraries inside
 * a plugin that look resources up through the context loader ({@code ServiceLoader}, XML parsers) find the
 * plugin's own, and restores the caller's loader afterwards.
 */
final class ContextLoader {

  private final ClassLoader loader;

  /** Uses {@code loader}; null (the bootstrap loader) means the caller's loader is left in place. */
  ContextLoader(ClassLoader loader) {
    this.loader = loader;
  }

  /** Uses the loader that defined {@code impl}'s class. */
  static ContextLoader of(Object impl) {
    return new ContextLoader(impl.getClass().getClassLoader());
  }

  <T> T call(Supplier<T> body) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    if (previous == loader || loader == null) {
      return body.get();
    }
    thread.setContextClassLoader(loader);
    try {
      return body.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  void run(Runnable body) {
    call(() -> {
      body.run();
      return null;
    });
  }
}
