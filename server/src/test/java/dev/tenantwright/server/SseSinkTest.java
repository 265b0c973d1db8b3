package dev.tenantwright.server;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The non-blocking stream writer: it writes only when the connection can take it, and cuts a stream that stalls. */
class SseSinkTest {

  /** A connection that takes writes only while {@code ready}, as a servlet container's non-blocking output does. */
  static final class Connection extends ServletOutputStream {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    volatile boolean ready = true;
    WriteListener listener;
    int flushes;

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void setWriteListener(WriteListener l) {
      this.listener = l;
    }

    @Override
    public void write(int b) {
      if (!ready) {
        throw new IllegalStateException("written while not ready");
      }
      written.write(b);
    }

    @Override
    public void flush() {
      flushes++;
    }

    String text() {
      return written.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void framesWaitWhileTheConnectionIsBusyAndGoOutInOrderWhenItFrees() throws Exception {
    Connection c = new Connection();
    SseSink sink = SseSink.over(c, "test");
    sink.event("1", "RUN_QUEUED", "{\"a\":1}");
    c.ready = false;
    sink.event("2", "RUN_STARTED", "{\"a\":2}");
    sink.comment("keep-alive");
    assertThat(c.text()).isEqualTo("id: 1\nevent: RUN_QUEUED\ndata: {\"a\":1}\n\n");
    c.ready = true;
    c.listener.onWritePossible();
    assertThat(c.text()).endsWith("id: 2\nevent: RUN_STARTED\ndata: {\"a\":2}\n\n: keep-alive\n\n");
    assertThat(c.flushes).isPositive();
  }

  @Test
  void aStreamThatStopsReadingIsCutOnceItsQueueIsFullAndNothingBlocks() {
    Connection c = new Connection();
    SseSink sink = SseSink.over(c, "test");
    AtomicBoolean closed = new AtomicBoolean();
    sink.onClose(() -> closed.set(true));
    c.ready = false;
    String data = "x".repeat(1000);
    int sent = 0;
    while (!sink.closed() && sent < 10_000) {
      sink.event(Integer.toString(sent), "STEP_PROGRESS", data);
      sent++;
    }
    assertThat(sink.closed()).isTrue();
    assertThat(closed).isTrue();
    assertThat(sent).as("cut when about a MiB waits, not before").isGreaterThan(SseSink.MAX_QUEUED_BYTES / 1100);
    c.ready = true;
    sink.event("late", "RUN_SUCCEEDED", "{}");
    assertThat(c.text()).doesNotContain("late");
  }

  @Test
  void endWritesWhatIsQueuedThenCloses() throws Exception {
    Connection c = new Connection();
    SseSink sink = SseSink.over(c, "test");
    c.ready = false;
    sink.event("9", "RUN_SUCCEEDED", "{}");
    sink.end();
    assertThat(sink.closed()).isFalse();
    c.ready = true;
    c.listener.onWritePossible();
    assertThat(c.text()).contains("id: 9");
    assertThat(sink.closed()).isTrue();
  }
}
