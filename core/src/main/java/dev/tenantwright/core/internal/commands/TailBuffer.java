package dev.tenantwright.core.internal.commands;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The last {@code capacity} bytes written to it, for capturing a process's output without holding all of
 * it: a chatty build log keeps its end, which is where the error is.
 *
 * <p>Thread-safe: one reader thread writes while the runner may read a snapshot.
 */
final class TailBuffer {

  private final byte[] ring;
  private long total;

  TailBuffer(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.ring = new byte[capacity];
  }

  synchronized void write(byte[] bytes, int offset, int length) {
    int cap = ring.length;
    if (length >= cap) {
      System.arraycopy(bytes, offset + length - cap, ring, 0, cap);
      total += length;
      // Realign so that the oldest byte sits at position (total % cap).
      rotate((int) (total % cap));
      return;
    }
    int pos = (int) (total % cap);
    int first = Math.min(length, cap - pos);
    System.arraycopy(bytes, offset, ring, pos, first);
    System.arraycopy(bytes, offset + first, ring, 0, length - first);
    total += length;
  }

  /** How many bytes were written in all. */
  synchronized long total() {
    return total;
  }

  /** How many of the written bytes were dropped from the front. */
  synchronized long dropped() {
    return Math.max(0, total - ring.length);
  }

  /** The kept bytes in order. */
  synchronized byte[] bytes() {
    int cap = ring.length;
    if (total <= cap) {
      byte[] out = new byte[(int) total];
      System.arraycopy(ring, 0, out, 0, out.length);
      return out;
    }
    int pos = (int) (total % cap);
    byte[] out = new byte[cap];
    System.arraycopy(ring, pos, out, 0, cap - pos);
    System.arraycopy(ring, 0, out, cap - pos, pos);
    return out;
  }

  /**
   * The kept bytes as UTF-8 text; when bytes were dropped, a partial character at the front is skipped.
   * Malformed input is replaced, never an error.
   */
  String text() {
    byte[] b = bytes();
    int start = 0;
    if (dropped() > 0) {
      while (start < b.length && start < 3 && (b[start] & 0xC0) == 0x80) {
        start++;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(b, start, b.length - start))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("a replacing decoder cannot fail", e);
    }
  }

  private void rotate(int newStart) {
    // After a full overwrite the ring holds the newest bytes in order from index 0; move them so that the
    // oldest is at newStart, matching the layout write() and bytes() expect.
    if (newStart == 0) {
      return;
    }
    byte[] copy = ring.clone();
    int cap = ring.length;
    System.arraycopy(copy, 0, ring, newStart, cap - newStart);
    System.arraycopy(copy, cap - newStart, ring, 0, newStart);
  }
}
