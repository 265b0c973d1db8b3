package dev.tenantwright.plugin.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.net.SocketTimeoutException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/** 4xx, lost connections and time-outs are retried; 5xx and TLS failures are not; messages are redacted. */
class SmtpFailuresTest {

  @Test
  void aTemporaryAuthenticationFailureIsRetriedAndARefusedLoginIsNot() {
    assertThat(SmtpFailures.classify(new AuthenticationFailedException("454 4.7.0 try again later"), "h:25", false,
        s -> s)).isInstanceOf(RetryableException.class);
    assertThat(SmtpFailures.classify(new AuthenticationFailedException("535 5.7.8 bad credentials for secret-pw"),
        "h:25", false, s -> s.replace("secret-pw", "******"))).isInstanceOf(PermanentException.class)
        .hasMessageContaining("535").hasMessageNotContaining("secret-pw");
  }

  @Test
  void aLostAnswerToTheEndOfDataIsRetriedAsAnUnknownOutcome() {
    MessagingException e = new MessagingException("Exception reading response", new SocketTimeoutException("Read timed out"));
    RetryableException r = (RetryableException) SmtpFailures.classify(e, "h:25", true, s -> s);
    assertThat(r.outcomeUnknown()).isTrue();
    assertThat(r).hasMessageContaining("SocketTimeoutException");
  }

  @Test
  void aRefusedEndOfDataNamesItsReply() {
    SMTPSendFailedException e = new SMTPSendFailedException(".", 554, "554 5.6.0 message rejected\n", null, null,
        null, null);
    assertThat(SmtpFailures.reply(e).command()).isEqualTo("end of data");
    assertThat(SmtpFailures.classify(e, "h:25", false, s -> s)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("end of data: 554 5.6.0 message rejected");
  }
}
