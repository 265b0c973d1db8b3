package dev.tenantwright.core.internal.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where steps run, and how many may run backend code at once ({@code maxParallelSteps}).
 *
 * <p>A step spends most of its life waiting: for a backend permit (that wait happens before the step gets here, see
 * {@code BackendPermits}), or in {@code StepContext.pause} while it polls a deployment, a certificate or a health
 * check. On Java 24 and later (unless {@code virtualThreads(false)}) every step runs on a virtual thread of its own,
 * so such a wait holds no platform thread, and {@code maxParallelSteps} is a count of
 * <em>running</em> steps: a step takes a slot before it calls its backend, gives it back while it pauses and takes
 * one again after — ten thousand steps can wait at once, at most {@code maxParallelSteps} of them work. The library
 * is built for Java 17, where there are no virtual threads: there (and on Java 21–23) steps run on a fixed pool of
 * {@code maxParallelSteps} platform threads, as before, and a pausing step keeps its thread. Not on 21–23 because
 * there a virtual thread blocked inside {@code synchronized} pins its carrier (fixed by JEP 491 in Java 24): the JDBC
 * drivers block inside their own monitors, and with H2's one-writer lock every carrier could end up pinned by a
 * thread waiting for a writer that has no carrier left to finish on. (The engine's own locks are
 * {@code java.util.concurrent} locks, which never pin.)
 *
 * <p>Why virtual threads rather than a suspend-and-resume step contract: every plugin polls by calling
 * {@code ctx.pause(d)} inside {@code create}; virtual threads free the thread under that call without a change to
 * a single plugin, and the engine's crash, takeover and cancel behaviour stays exactly as it was (the step is the
 * same blocking call; only its carrier changed). Thread-safe.
 */
final class StepThreads {

  private static final Logger LOG = LoggerFactory.getLogger(StepThreads.class);

  /** How a step leaves its running slot while it waits, and takes one again after. */
  interface Waiting {
    /** Gives the slot back before a wait. */
    void leave();

    /**
     * Takes a slot again after a wait, even when interrupted (the interrupt stays set): the step's attempt gives
     * the slot back when it ends, so it must hold one whatever happened.
     */
    void reenter();

    /** For a context that holds no slot (a check outside a run). */
    Waiting NONE = new Waiting() {
      @Override
      public void leave() {}

      @Override
      public void reenter() {}
    };
  }

  private final ExecutorService executor;
  private final Semaphore running;

  private StepThreads(ExecutorService executor, Semaphore running) {
    this.executor = executor;
    this.running = running;
  }

  /**
   * Virtual threads when {@code preferVirtual} and the JVM allows, else a fixed pool of {@code maxParallel} threads
   * from {@code platform}.
   */
  static StepThreads create(int maxParallel, ThreadFactory platform, boolean preferVirtual) {
    ExecutorService virtual = preferVirtual ? virtualThreadPerTask("tenantwright-step-") : null;
    if (virtual != null) {
      LOG.debug("steps run on virtual threads; at most {} run backend code at once", maxParallel);
      return new StepThreads(virtual, new Semaphore(maxParallel, true));
    }
    return new StepThreads(Executors.newFixedThreadPool(maxParallel, platform), null);
  }

  /** Whether steps run on virtual threads (and waiting steps hold no thread). */
  boolean virtual() {
    return running != null;
  }

  ExecutorService executor() {
    return executor;
  }

  /**
   * Takes a running slot before a step calls its backend (a no-op on the platform pool, whose size is the limit).
   *
   * @throws InterruptedException when interrupted while waiting
   */
  void enter() throws InterruptedException {
    if (running != null) {
      running.acquire();
    }
  }

  /** Gives the slot taken by {@link #enter()} back. */
  void leave() {
    if (running != null) {
      running.release();
    }
  }

  /** What a step's context calls around a pause: leave the slot while waiting, on virtual threads only. */
  Waiting waiting() {
    if (running == null) {
      return Waiting.NONE;
    }
    return new Waiting() {
      @Override
      public void leave() {
        running.release();
      }

      @Override
      public void reenter() {
        running.acquireUninterruptibly();
      }
    };
  }


  /**
   * {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(prefix, 0).factory())}, looked up at run
   * time because the library is compiled for Java 17; null before Java 24 (see the class comment).
   */
  static ExecutorService virtualThreadPerTask(String prefix) {
    if (Runtime.version().feature() < 24) {
      return null;
    }
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> builderType = Class.forName("java.lang.Thread$Builder");
      builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 0L);
      ThreadFactory factory = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
      Method perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
      return (ExecutorService) perTask.invoke(null, factory);
    } catch (NoSuchMethodException | ClassNotFoundException noVirtualThreads) {
      return null;
    } catch (IllegalAccessException | InvocationTargetException e) {
      LOG.warn("virtual threads are present but could not be used ({}); steps run on platform threads", e.toString());
      return null;
    }
  }

}
