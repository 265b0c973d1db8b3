package dev.tenantwright.spring.internal;

import dev.tenantwright.core.Tenantwright;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the auto-configured {@link Tenantwright} with the application: {@link Tenantwright#close(Duration)} with the
 * configured drain, after the web server has stopped taking requests and before any bean is destroyed.
 *
 * <p>Why a {@link SmartLifecycle} and not the bean's destroy method: Spring stops lifecycle beans, phase by phase,
 * while every bean of the context is still alive, and destroys beans only afterwards. Runs draining in {@code close}
 * call listeners, policies and resource types that the application defined as beans, and write to the application's
 * DataSource; none of them is destroyed yet during the stop. A destroy method would run among the destroy callbacks,
 * where the beans the engine found through {@code ObjectProvider} (the DataSource, listeners' dependencies) are not
 * recorded as its dependencies and may already be closed.
 *
 * <p>The phase, {@link #PHASE}, is below the web server's ({@code WebServerGracefulShutdownLifecycle} at
 * {@code DEFAULT_PHASE - 1024}, the server's own stop at {@code DEFAULT_PHASE - 2048}): phases stop from the highest
 * down, so requests in flight finish (graceful shutdown) and the server stops accepting new ones before the engine
 * drains — no request starts a run on an engine that is closing. The stop is synchronous: Spring's
 * {@code spring.lifecycle.timeout-per-shutdown-phase} does not cut the drain short, {@code tenantwright.shutdown.drain}
 * bounds it (plus up to two seconds while the engine's workers stop).
 *
 * <p>The engine cannot start again once closed, so it is not {@linkplain #isPauseable() pauseable}; a context that is
 * stopped (not closed) and started again refuses the start. Should the context fail before it started, or close
 * without stopping, {@link #destroy()} closes the engine without draining (unfinished runs resume on the next start).
 * Thread-safe; closes at most once.
 */
public final class TenantwrightShutdown implements SmartLifecycle, DisposableBean {

  /** Stops after the web server ({@code DEFAULT_PHASE - 2048}) and after the other default-phase components. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger LOG = LoggerFactory.getLogger(TenantwrightShutdown.class);

  private final Duration drain;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Tenantwright tenantwright;
  private volatile boolean running;

  /** Closes with {@code drain} when the context stops. */
  public TenantwrightShutdown(Duration drain) {
    this.drain = Objects.requireNonNull(drain, "drain");
    if (drain.isNegative()) {
      throw new IllegalArgumentException("tenantwright.shutdown.drain cannot be negative: " + drain);
    }
  }

  /** The instance to close; called once, as soon as it is built. */
  public void manage(Tenantwright instance) {
    this.tenantwright = Objects.requireNonNull(instance, "instance");
  }

  @Override
  public void start() {
    if (closed.get()) {
      throw new IllegalStateException("Tenantwright was closed when the application context stopped and cannot start "
          + "again; start a new application context");
    }
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    close(drain);
  }

  /** Stops synchronously (see the class comment), then tells Spring. */
  @Override
  public void stop(Runnable callback) {
    try {
      stop();
    } finally {
      callback.run();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public boolean isPauseable() {
    return false;
  }

  /** Closes without draining if the stop did not (a context that failed to start). */
  @Override
  public void destroy() {
    close(Duration.ZERO);
  }

  private void close(Duration wait) {
    Tenantwright instance = tenantwright;
    if (instance == null || !closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("closing Tenantwright, letting runs in flight finish for up to {} ms", wait.toMillis());
    long started = System.nanoTime();
    instance.close(wait);
    LOG.info("Tenantwright closed in {} ms", (System.nanoTime() - started) / 1_000_000);
  }
}
