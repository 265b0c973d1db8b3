package dev.tenantwright.cli.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code text/event-stream} (the HTML standard's format) into events: fields {@code id}, {@code event} and
 * {@code data} (several data lines joined with {@code \n}), comments (keep-alives) skipped, an event dispatched at
 * the blank line that ends it, an event cut off by the end of the stream dropped.
 */
final class SseReader {

  private final BufferedReader in;

  SseReader(InputStream in) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /**
   * The next event, waiting for it.
   *
   * @return the event, or null at the end of the stream
   */
  SseEvent next() throws IOException {
    String id = null;
    String name = null;
    StringBuilder data = null;
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isEmpty()) {
        if (data != null) {
          return new SseEvent(id, name == null || name.isEmpty() ? "message" : name, data.toString());
        }
        name = null;
        continue;
      }
      if (line.charAt(0) == ':') {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "id" -> id = value.indexOf('\0') >= 0 ? id : value;
        case "event" -> name = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { } // "retry" and fields the format does not define: ignored, as the standard says
      }
    }
    return null;
  }
}
