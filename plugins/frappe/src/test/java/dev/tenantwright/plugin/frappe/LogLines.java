package dev.tenantwright.plugin.frappe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Captures every log line (message and the messages of its exception chain) while a test runs. */
final class LogLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  LogLines() {
    setContext(root.getLoggerContext());
    start();
    root.addAppender(this);
  }

  @Override
  protected void append(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(event.getFormattedMessage());
    appendThrowable(sb, event.getThrowableProxy());
    lines.add(sb.toString());
  }

  private static void appendThrowable(StringBuilder sb, IThrowableProxy t) {
    if (t == null) {
      return;
    }
    sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    appendThrowable(sb, t.getCause());
    for (IThrowableProxy s : t.getSuppressed()) {
      appendThrowable(sb, s);
    }
  }

  /** Every captured line. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
