package dev.tenantwright.plugin.frappe;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import java.util.regex.Pattern;

/**
 * The first user of a site, created as a System Manager with {@code bench add-system-manager} unless a user with
 * that e-mail exists already.
 *
 * @param email the user's e-mail, which is also the Frappe user name
 * @param firstName the first name; default the e-mail
 * @param lastName the last name; default none
 * @param password the login password; default none (the user sets one through "forgot password"). A changed
 *     password is applied by an update
 */
public record SiteUser(String email, @Nullable String firstName, @Nullable String lastName, @Nullable Secret password) {

  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+");

  /** Validates the fields. */
  public SiteUser {
    if (email == null || email.length() > 140 || !EMAIL.matcher(email).matches()) {
      throw SiteSpec.invalid("user.email", "\"" + email + "\" is not an e-mail address");
    }
    requireText("user.firstName", firstName);
    requireText("user.lastName", lastName);
  }

  private static void requireText(String field, String value) {
    if (value != null && (value.isBlank() || value.length() > 140 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
      throw SiteSpec.invalid(field, "must be 1 to 140 characters without control characters");
    }
  }
}
