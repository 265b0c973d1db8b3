package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.EngineObserver;
import dev.tenantwright.core.EngineObserver.LeaseTakeover;
import dev.tenantwright.core.EngineObserver.PermitWait;
import dev.tenantwright.core.EngineObserver.RetryScheduled;
import dev.tenantwright.core.EngineObserver.RunFinished;
import dev.tenantwright.core.EngineObserver.RunStarted;
import dev.tenantwright.core.EngineObserver.StepAttempt;
import dev.tenantwright.core.EngineObserver.StepFinished;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's {@link EngineObserver}s as the engine calls them: each in turn, each guarded, so that an observer that
 * throws is logged (once at warn with its stack trace, afterwards at debug) and skipped, and never reaches the run.
 * Thread-safe; with no observers every call returns at once.
 */
final class Observers {

  private static final Logger LOG = LoggerFactory.getLogger(Observers.class);

  /** A header name a propagator may use (an HTTP token, lower case as W3C Trace Context writes it). */
  private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]{1,64}");

  /** A header value that cannot break out of its header line or environment variable, and stays small. */
  private static final Pattern HEADER_VALUE = Pattern.compile("[\\x20-\\x7e]{0,512}");

  private final List<Guarded> observers;

  Observers(List<EngineObserver> observers) {
    this.observers = observers.stream().map(Guarded::new).toList();
  }

  boolean isEmpty() {
    return observers.isEmpty();
  }

  void runStarted(RunStarted e) {
    each(o -> o.runStarted(e));
  }

  void runFinished(RunFinished e) {
    each(o -> o.runFinished(e));
  }

  /**
   * Tells every observer that the attempt started, then asks each for the headers it propagates; the first to name a
   * header wins. A header whose name or value could not travel as an HTTP header or an environment variable is
   * dropped (logged once).
   */
  Map<String, String> stepStarted(StepAttempt attempt) {
    if (observers.isEmpty()) {
      return Map.of();
    }
    each(o -> o.stepStarted(attempt));
    Map<String, String> headers = new LinkedHashMap<>();
    for (Guarded g : observers) {
      Map<String, String> more = g.call(o -> o.traceHeaders(attempt), Map.of());
      if (more == null) {
        continue;
      }
      more.forEach((name, value) -> {
        if (name == null || value == null) {
          return;
        }
        String key = name.toLowerCase(Locale.ROOT);
        if (HEADER_NAME.matcher(key).matches() && HEADER_VALUE.matcher(value).matches()) {
          headers.putIfAbsent(key, value);
        } else {
          g.failed(new IllegalArgumentException("trace header '" + key + "' cannot travel as a header or environment"
              + " variable; dropped"));
        }
      });
    }
    return headers.isEmpty() ? Map.of() : Collections.unmodifiableMap(headers);
  }

  void stepFinished(StepFinished e) {
    each(o -> o.stepFinished(e));
  }

  void retryScheduled(RetryScheduled e) {
    each(o -> o.retryScheduled(e));
  }

  void leaseTakenOver(LeaseTakeover e) {
    each(o -> o.leaseTakenOver(e));
  }

  void backendPermitWaited(PermitWait e) {
    each(o -> o.backendPermitWaited(e));
  }

  private void each(Consumer<EngineObserver> call) {
    for (Guarded g : observers) {
      g.call(o -> {
        call.accept(o);
        return null;
      }, null);
    }
  }

  /** One observer and whether its first failure was logged. */
  private static final class Guarded {
    private final EngineObserver observer;
    private final AtomicBoolean warned = new AtomicBoolean();

    Guarded(EngineObserver observer) {
      this.observer = observer;
    }

    <T> T call(java.util.function.Function<EngineObserver, T> call, T otherwise) {
      try {
        return call.apply(observer);
      } catch (VirtualMachineError fatal) {
        throw fatal;
      } catch (Throwable t) {
        failed(t);
        return otherwise;
      }
    }

    void failed(Throwable t) {
      if (warned.compareAndSet(false, true)) {
        LOG.warn("engine observer {} failed; it is skipped where it fails (further failures of it are logged at debug)",
            observer.getClass().getName(), t);
      } else {
        LOG.debug("engine observer {} failed again: {}", observer.getClass().getName(), t.toString());
      }
    }
  }
}
