package dev.tenantwright.cli.internal;

import java.io.IOException;

/**
 * An open event stream of the server: its events in order until the server ends it, the connection drops or it
 * stays silent too long (then {@link #next()} throws). Closing it closes the connection.
 */
public final class EventStream implements AutoCloseable {

  private final IdleTimeoutBody body;
  private final SseReader reader;

  EventStream(IdleTimeoutBody body) {
    this.body = body;
    this.reader = new SseReader(body);
  }

  /**
   * The next event.
   *
   * @return the event, or null when the server ended the stream
   * @throws IOException when the connection dropped or stayed silent longer than the idle time
   */
  public SseEvent next() throws IOException {
    return reader.next();
  }

  @Override
  public void close() {
    body.close();
  }
}
