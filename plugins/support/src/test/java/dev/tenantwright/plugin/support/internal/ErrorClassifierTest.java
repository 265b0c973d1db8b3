package dev.tenantwright.plugin.support.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {

  static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

  @Test
  void readsRetryAfterAsDeltaSeconds() {
    assertThat(ErrorClassifier.parseRetryAfter("120", NOW)).contains(Duration.ofMinutes(2));
    assertThat(ErrorClassifier.parseRetryAfter(" 0 ", NOW)).contains(Duration.ZERO);
  }

  @Test
  void readsRetryAfterAsAnHttpDate() {
    assertThat(ErrorClassifier.parseRetryAfter("Tue, 10 Mar 2026 12:01:30 GMT", NOW)).contains(Duration.ofSeconds(90));
  }

  @Test
  void treatsAnHttpDateInThePastAsNoWait() {
    assertThat(ErrorClassifier.parseRetryAfter("Tue, 10 Mar 2026 11:00:00 GMT", NOW)).contains(Duration.ZERO);
  }

  @Test
  void ignoresValuesThatAreNeitherForm() {
    assertThat(ErrorClassifier.parseRetryAfter("soon", NOW)).isEmpty();
    assertThat(ErrorClassifier.parseRetryAfter("", NOW)).isEmpty();
    assertThat(ErrorClassifier.parseRetryAfter("-5", NOW)).isEmpty();
    assertThat(ErrorClassifier.parseRetryAfter("99999999999999999999999", NOW)).isEmpty();
  }

  @Test
  void s1_readsARateLimitResetAsEpochSecondsOrAsSecondsFromNow() {
    assertThat(ErrorClassifier.parseReset(Long.toString(NOW.getEpochSecond() + 3600), NOW)).contains(Duration.ofHours(1));
    assertThat(ErrorClassifier.parseReset("30", NOW)).contains(Duration.ofSeconds(30));
    assertThat(ErrorClassifier.parseReset(Long.toString(NOW.getEpochSecond() - 10), NOW)).contains(Duration.ZERO);
    assertThat(ErrorClassifier.parseReset("Tue Feb 16 2021", NOW)).isEmpty();
    assertThat(ErrorClassifier.parseReset("99999999999999999999999", NOW)).isEmpty();
  }

  @Test
  void s1_readsTheResetOfTheExhaustedItemOfARatelimitHeader() {
    assertThat(ErrorClassifier.parseRatelimitT("\"default\";r=50;t=30")).contains(Duration.ofSeconds(30));
    assertThat(ErrorClassifier.parseRatelimitT("\"burst\";r=3;t=5, \"daily\";r=0;t=7200"))
        .contains(Duration.ofHours(2));
    assertThat(ErrorClassifier.parseRatelimitT("\"default\";r=0")).isEmpty();
  }
}
