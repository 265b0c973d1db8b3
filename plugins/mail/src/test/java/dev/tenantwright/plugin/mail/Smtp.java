package dev.tenantwright.plugin.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** GreenMail, a real SMTP server, on a free loopback port, and the plugin configuration pointing at it. */
final class Smtp {

  private Smtp() {}

  /** A started plain SMTP server. */
  static GreenMail plain() {
    return started(ServerSetup.PROTOCOL_SMTP);
  }

  /** A started SMTPS server (TLS from the first byte, GreenMail's own test certificate). */
  static GreenMail smtps() {
    return started(ServerSetup.PROTOCOL_SMTPS);
  }

  private static GreenMail started(String protocol) {
    ServerSetup setup = new ServerSetup(0, "127.0.0.1", protocol).dynamicPort();
    // GreenMail gives a server 2 s to start by default; loading its TLS keystore on a busy machine took longer
    setup.setServerStartupTimeout(30_000);
    GreenMail mail = new GreenMail(setup);
    mail.start();
    return mail;
  }

  /** The {@code mail} section for a plain server on {@code port}. */
  static Map<String, Object> config(int port) {
    return Map.of("host", "127.0.0.1", "port", port, "tls", "none", "from", "Example Onboarding <welcome@example.com>",
        "connectTimeout", "2s", "timeout", "5s");
  }

  /** Every message the server holds, once per recipient mailbox. */
  static List<MimeMessage> received(GreenMail mail) {
    return Arrays.asList(mail.getReceivedMessages());
  }
}
