package dev.tenantwright.cli.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as a stream that fails when nothing arrives for a while. The JDK's own streaming body
 * waits forever on a connection that died without a word (a NAT or proxy that forgot it), and its timeout covers
 * only the wait for the headers; an event stream instead counts silence longer than the server's keep-alive as a
 * drop, so that the follower reconnects.
 *
 * <p>The HTTP client's threads deliver the body's buffers ({@link Flow.Subscriber}); one reader thread reads them.
 * {@link #close()} may come from any thread; it cancels the body, which closes the connection.
 */
final class IdleTimeoutBody extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {

  private static final Object END = new Object();

  private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
  private final long idleNanos;
  private final Duration idle;
  private volatile Flow.Subscription subscription;
  private volatile boolean closed;
  private Iterator<ByteBuffer> buffers = Collections.emptyIterator();
  private ByteBuffer current;
  private boolean ended;

  IdleTimeoutBody(Duration idle) {
    this.idle = idle;
    this.idleNanos = idle.toNanos();
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (closed) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    arrived.add(item);
  }

  @Override
  public void onError(Throwable failure) {
    arrived.add(failure);
  }

  @Override
  public void onComplete() {
    arrived.add(END);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  /**
   * Reads what has arrived, waiting at most the idle time for more.
   *
   * @throws SocketTimeoutException when nothing arrived for the idle time (the body is cancelled)
   * @throws IOException when the connection failed
   */
  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (current == null || !current.hasRemaining()) {
      if (buffers.hasNext()) {
        current = buffers.next();
        continue;
      }
      if (ended) {
        return -1;
      }
      if (closed) {
        throw new IOException("the stream was closed");
      }
      Object next = take();
      if (next == END) {
        ended = true;
        return -1;
      }
      if (next instanceof Throwable t) {
        ended = true;
        throw t instanceof IOException io ? io : new IOException(ApiClient.describe(t), t);
      }
      @SuppressWarnings("unchecked")
      List<ByteBuffer> list = (List<ByteBuffer>) next;
      buffers = list.iterator();
      subscription.request(1);
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }

  private Object take() throws IOException {
    Object next;
    try {
      next = arrived.poll(idleNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new InterruptedIOException("interrupted while reading the stream");
    }
    if (next == null) {
      close();
      throw new SocketTimeoutException("nothing arrived for " + (idle.toMillis() < 1000 ? idle.toMillis() + " ms"
          : idle.toSeconds() + " s"));
    }
    return next;
  }

  /** The whole body as UTF-8 text, at most {@code limit} bytes of it (an error answer's). */
  String readText(int limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    for (int n; out.size() < limit && (n = read(chunk, 0, Math.min(chunk.length, limit - out.size()))) >= 0; ) {
      out.write(chunk, 0, n);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }
}
