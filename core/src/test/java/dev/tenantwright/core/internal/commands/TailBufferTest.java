package dev.tenantwright.core.internal.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TailBufferTest {

  @Test
  void keepsEverythingBelowTheCapacity() {
    TailBuffer b = new TailBuffer(16);
    write(b, "hello ");
    write(b, "world");

    assertThat(b.text()).isEqualTo("hello world");
    assertThat(b.dropped()).isZero();
  }

  @Test
  void keepsTheLastBytesAcrossManySmallWrites() {
    TailBuffer b = new TailBuffer(10);
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      String chunk = Integer.toString(i);
      all.append(chunk);
      write(b, chunk);
    }

    assertThat(b.text()).isEqualTo(all.substring(all.length() - 10));
    assertThat(b.total()).isEqualTo(all.length());
    assertThat(b.dropped()).isEqualTo(all.length() - 10);
  }

  @Test
  void keepsTheLastBytesOfAWriteLargerThanTheCapacity() {
    TailBuffer b = new TailBuffer(5);
    write(b, "abc");
    write(b, "0123456789");
    write(b, "xy");

    assertThat(b.text()).isEqualTo("789xy");
  }

  @Test
  void skipsACharacterCutInHalfAtTheFront() {
    TailBuffer b = new TailBuffer(5);
    write(b, "aaé1234");

    assertThat(b.text()).isEqualTo("1234");
  }

  private static void write(TailBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.write(bytes, 0, bytes.length);
  }
}
