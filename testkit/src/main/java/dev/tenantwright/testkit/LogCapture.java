package dev.tenantwright.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Captures formatted log lines while a check runs, when the test classpath binds SLF4J to Logback; with
 * any other binding it captures nothing ({@link #active()} is false), because the kit must not force a
 * logging backend on a vendor's tests.
 */
public final class LogCapture {

  private final List<String> lines;
  private final Runnable stop;
  private final boolean active;

  private LogCapture(List<String> lines, Runnable stop, boolean active) {
    this.lines = lines;
    this.stop = stop;
    this.active = active;
  }

  /** Starts capturing every log event of every logger. */
  public static LogCapture start() {
    try {
      Class.forName("ch.qos.logback.classic.LoggerContext");
    } catch (ClassNotFoundException e) {
      return new LogCapture(List.of(), () -> {}, false);
    }
    if (!Logback.bound()) {
      return new LogCapture(List.of(), () -> {}, false);
    }
    List<String> sink = new CopyOnWriteArrayList<>();
    return new LogCapture(sink, Logback.attach(sink), true);
  }

  /** Everything captured, one line per event (message and exception messages). */
  public String text() {
    return String.join("\n", lines);
  }

  /** Whether log lines are being captured at all. */
  public boolean active() {
    return active;
  }

  /** Stops capturing. */
  public void stop() {
    stop.run();
  }

  /** Isolated so that Logback classes load only when Logback is present. */
  private static final class Logback {

    static boolean bound() {
      return LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext;
    }

    static Runnable attach(List<String> sink) {
      ch.qos.logback.classic.Logger root =
          (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> appender =
          new ch.qos.logback.core.AppenderBase<>() {
            @Override
            protected void append(ch.qos.logback.classic.spi.ILoggingEvent e) {
              StringBuilder sb = new StringBuilder(e.getFormattedMessage());
              for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                sb.append(" | ").append(t.getMessage());
              }
              sink.add(sb.toString());
            }
          };
      appender.setName("tenantwright-log-capture");
      appender.setContext(root.getLoggerContext());
      appender.start();
      root.addAppender(appender);
      return () -> {
        root.detachAppender(appender);
        appender.stop();
      };
    }
  }
}
