package dev.tenantwright.plugin.mail;

import dev.tenantwright.plugin.mail.internal.Addresses;
import dev.tenantwright.plugin.mail.internal.Templates;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code mail.message} sends. Validated on construction, so a bad address or an unknown placeholder fails the
 * step before anything is sent, naming the field.
 *
 * <p>Templates ({@code subject}, {@code body}, {@code html}) take {@code ${name}} from {@code values} and, in the
 * body and html only, {@code ${secret:NAME}} for a secret listed in {@code secrets} — filled in at send time, so a
 * secret exists only in the message on the wire. In a blueprint, write these placeholders with {@code $${…}}: the
 * blueprint's own {@code ${…}} expressions ({@code ${tenant.name}}) are resolved before the plugin sees the
 * parameters. Pass text a tenant typed through {@code values}: values are substituted once (a value holding
 * {@code ${…}} stays that text) and HTML-escaped in {@code html}.
 *
 * @param to one or more recipients, one mailbox each ({@code ops@abc.example} or {@code ABC Ops <ops@abc.example>})
 * @param cc copy recipients, or none
 * @param bcc blind copy recipients (not in the headers), or none
 * @param from the sender, one mailbox; default the configuration's {@code from}
 * @param replyTo where replies go, one mailbox, or none
 * @param subject the subject template: one line, no secrets
 * @param body the plain text template
 * @param html an HTML template sent beside the text (multipart/alternative), or none
 * @param values what {@code ${name}} placeholders take: names of {@code [A-Za-z0-9_.-]}, plain text
 * @param secrets the secrets the body may reveal with {@code ${secret:NAME}}: a {@code secret} resource of the
 *     environment (add it to {@code needs}) or a host secret
 */
public record MessageSpec(
    List<String> to,
    @Nullable List<String> cc,
    @Nullable List<String> bcc,
    @Nullable String from,
    @Nullable String replyTo,
    String subject,
    String body,
    @Nullable String html,
    @Nullable Map<String, String> values,
    @Nullable List<String> secrets) {

  /** At most this many recipients (to, cc and bcc together). */
  public static final int MAX_RECIPIENTS = 100;
  /** The longest subject, in characters. */
  public static final int MAX_SUBJECT = 500;
  /** The longest body or html template, in characters. */
  public static final int MAX_BODY = 1_000_000;

  /** Validates every field. */
  public MessageSpec {
    if (to == null || to.isEmpty()) {
      throw new PermanentException("field 'to': at least one recipient is required");
    }
    Addresses.mailboxes("to", to);
    to = List.copyOf(to);
    if (cc != null) {
      Addresses.mailboxes("cc", cc);
      cc = List.copyOf(cc);
    }
    if (bcc != null) {
      Addresses.mailboxes("bcc", bcc);
      bcc = List.copyOf(bcc);
    }
    int count = to.size() + (cc == null ? 0 : cc.size()) + (bcc == null ? 0 : bcc.size());
    if (count > MAX_RECIPIENTS) {
      throw new PermanentException("field 'to': " + count + " recipients, at most " + MAX_RECIPIENTS);
    }
    if (from != null) {
      Addresses.mailbox("from", from);
    }
    if (replyTo != null) {
      Addresses.mailbox("replyTo", replyTo);
    }
    if (values != null) {
      Map<String, String> copy = new LinkedHashMap<>();
      for (Map.Entry<String, String> v : values.entrySet()) {
        if (!Templates.NAME.matcher(v.getKey()).matches()) {
          throw new PermanentException("field 'values': \"" + v.getKey() + "\" is not a placeholder name "
              + "([A-Za-z0-9_.-], at most 64 characters)");
        }
        if (v.getValue() == null) {
          throw new PermanentException("field 'values." + v.getKey() + "': has no value");
        }
        copy.put(v.getKey(), v.getValue());
      }
      values = Map.copyOf(copy);
    }
    if (secrets != null) {
      for (String s : secrets) {
        if (s == null || !Templates.SECRET_NAME.matcher(s).matches()) {
          throw new PermanentException("field 'secrets': \"" + s + "\" is not a secret's name");
        }
      }
      secrets = List.copyOf(secrets);
    }
    Set<String> keys = values == null ? Set.of() : values.keySet();
    List<String> allowed = secrets == null ? List.of() : secrets;
    if (subject == null || subject.isBlank()) {
      throw new PermanentException("field 'subject': a subject is required");
    }
    if (subject.length() > MAX_SUBJECT) {
      throw new PermanentException("field 'subject': at most " + MAX_SUBJECT + " characters");
    }
    if (subject.chars().anyMatch(Character::isISOControl)) {
      throw new PermanentException("field 'subject': must be one line, without control characters");
    }
    Templates.check("subject", subject, keys, allowed, false);
    if (body == null) {
      throw new PermanentException("field 'body': a text body is required");
    }
    if (body.length() > MAX_BODY) {
      throw new PermanentException("field 'body': at most " + MAX_BODY + " characters");
    }
    Templates.check("body", body, keys, allowed, true);
    if (html != null) {
      if (html.length() > MAX_BODY) {
        throw new PermanentException("field 'html': at most " + MAX_BODY + " characters");
      }
      Templates.check("html", html, keys, allowed, true);
    }
  }

  /** The values, never null. */
  public Map<String, String> effectiveValues() {
    return values == null ? Map.of() : values;
  }
}
