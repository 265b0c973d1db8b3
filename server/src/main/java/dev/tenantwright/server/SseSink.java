package dev.tenantwright.server;

import io.javalin.http.Context;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-sent event stream, written with the servlet's non-blocking output ({@link WriteListener}): a frame is
 * queued and written only while the connection can take it, so that no thread ever waits on a client — a stream
 * that stops reading costs its queue, up to {@link #MAX_QUEUED_BYTES}, and is then cut (the client resumes from its
 * last id). The stream holds no thread between events.
 *
 * <p>Thread-safe: the event tail queues frames, Jetty calls {@link #onWritePossible()}; both under this object's
 * monitor, which a non-blocking write never holds for long.
 */
final class SseSink implements WriteListener, AsyncListener {

  private static final Logger LOG = LoggerFactory.getLogger(SseSink.class);
  static final int MAX_QUEUED_BYTES = 1 << 20;

  private final ServletOutputStream out;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private final String label;
  private int queuedBytes;
  private boolean unflushed;
  private boolean ending;
  private boolean closed;
  private boolean listening;
  private Runnable onClose = () -> { };

  private SseSink(ServletOutputStream out, String label) {
    this.out = out;
    this.label = label;
  }

  /**
   * Turns the request into an event stream: status 200, {@code text/event-stream}, the headers, and an asynchronous
   * response that lasts until {@link #end()}, an error or the client's going away.
   */
  static SseSink open(Context ctx, String label) {
    ctx.status(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setCharacterEncoding("UTF-8");
    ctx.header("Cache-Control", "no-cache");
    ctx.header("X-Accel-Buffering", "no");
    SseSink sink;
    try {
      sink = new SseSink(ctx.res().getOutputStream(), label);
    } catch (IOException e) {
      throw new IllegalStateException("the response has no output", e);
    }
    // Javalin keeps the response open until the future completes; it calls this once the request is asynchronous
    ctx.future(() -> {
      try {
        ctx.req().getAsyncContext().addListener(sink);
        sink.listen();
      } catch (RuntimeException e) {
        sink.abort("cannot start: " + e);
      }
      return sink.done;
    });
    return sink;
  }

  /** A sink on an output already in non-blocking mode: for tests of the queueing, without a request. */
  static SseSink over(ServletOutputStream out, String label) {
    SseSink s = new SseSink(out, label);
    s.listen();
    return s;
  }

  /** Switches the output to non-blocking writes; nothing is written before (a write could block). */
  private synchronized void listen() {
    listening = true;
    unflushed = true; // the first flush sends the headers: a client sees the stream open before any event
    out.setWriteListener(this);
  }

  /** Runs once when the stream is over, whichever way. */
  synchronized void onClose(Runnable action) {
    this.onClose = action;
    if (closed) {
      action.run();
    }
  }

  /** Queues an event. */
  void event(String id, String name, String data) {
    queue(("id: " + id + "\nevent: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Queues a comment line (keeps proxies and the connection's idle timer from ending a quiet stream). */
  void comment(String text) {
    queue((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Ends the stream once what is queued has been written. */
  synchronized void end() {
    ending = true;
    drain();
  }

  synchronized boolean closed() {
    return closed;
  }

  private synchronized void queue(byte[] frame) {
    if (closed || ending) {
      return;
    }
    if (queuedBytes + frame.length > MAX_QUEUED_BYTES) {
      abort("does not keep up (" + queuedBytes + " bytes waiting): disconnected, it resumes from its last id");
      return;
    }
    queue.add(frame);
    queuedBytes += frame.length;
    drain();
  }

  /** Writes while the connection takes it; {@link #onWritePossible()} continues when it can take more. */
  private void drain() {
    if (closed || !listening) {
      return;
    }
    try {
      while (out.isReady()) {
        byte[] next = queue.poll();
        if (next != null) {
          queuedBytes -= next.length;
          out.write(next);
          unflushed = true;
        } else if (unflushed) {
          unflushed = false;
          out.flush();
        } else {
          if (ending) {
            finish(null);
          }
          return;
        }
      }
    } catch (IOException | IllegalStateException e) {
      finish(e);
    }
  }

  @Override
  public synchronized void onWritePossible() {
    drain();
  }

  @Override
  public synchronized void onError(Throwable t) {
    finish(t);
  }

  synchronized void abort(String why) {
    LOG.info("event stream of {}: {}", label, why);
    finish(new IOException(why));
  }

  private void finish(Throwable error) {
    if (closed) {
      return;
    }
    closed = true;
    queue.clear();
    queuedBytes = 0;
    if (error != null) {
      LOG.debug("event stream of {} ended: {}", label, error.toString());
    }
    try {
      onClose.run();
    } finally {
      done.complete(null);
    }
  }

  @Override
  public void onComplete(AsyncEvent event) {
    synchronized (this) {
      finish(null);
    }
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    synchronized (this) {
      finish(new IOException("timed out"));
    }
  }

  @Override
  public void onError(AsyncEvent event) {
    synchronized (this) {
      finish(event.getThrowable());
    }
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // nothing to do: the stream is set up once
  }
}
