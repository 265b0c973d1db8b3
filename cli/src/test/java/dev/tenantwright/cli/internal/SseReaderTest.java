package dev.tenantwright.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReaderTest {

  @Test
  void readsIdNameAndDataOfEachEventAndSkipsComments() throws IOException {
    List<SseEvent> events = read(": keep-alive\n\nid: 7\nevent: RUN_QUEUED\ndata: {\"a\":1}\n\n"
        + ":keep-alive\n\nid: 8\nevent: RUN_STARTED\ndata: {}\n\n");

    assertThat(events).containsExactly(new SseEvent("7", "RUN_QUEUED", "{\"a\":1}"),
        new SseEvent("8", "RUN_STARTED", "{}"));
  }

  @Test
  void joinsDataLinesAndReadsEveryLineEnding() throws IOException {
    List<SseEvent> events = read("data:first\r\ndata:  second\r\n\r\nid:3\rdata\r\r");

    assertThat(events).containsExactly(new SseEvent(null, "message", "first\n second"),
        new SseEvent("3", "message", ""));
  }

  @Test
  void dropsAnEventCutOffByTheEndOfTheStream() throws IOException {
    List<SseEvent> events = read("id: 1\ndata: whole\n\nid: 2\ndata: cut off");

    assertThat(events).extracting(SseEvent::id).containsExactly("1");
  }

  private static List<SseEvent> read(String text) throws IOException {
    SseReader reader = new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    List<SseEvent> events = new ArrayList<>();
    for (SseEvent e; (e = reader.next()) != null; ) {
      events.add(e);
    }
    return events;
  }
}
