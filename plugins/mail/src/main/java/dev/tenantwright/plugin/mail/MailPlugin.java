package dev.tenantwright.plugin.mail;

import org.pf4j.Plugin;

/**
 * The PF4J entry of the mail plugin; its resource type is the {@code @Extension} class {@link MailMessageType}.
 *
 * <p>It holds no state: each send opens its own SMTP connection from the configuration the host binds for the
 * {@code mail} section ({@link MailConfig}).
 */
public final class MailPlugin extends Plugin {

  /** Created by PF4J when the plugin loads. */
  public MailPlugin() {
    super();
  }
}
