package dev.tenantwright.core.internal.types;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.util.Locale;

/**
 * What a {@code secret} resource generates: how long, and from which characters.
 *
 * <p>Omitted fields take their defaults here, so the recorded spec says exactly what was generated. An
 * invalid combination is refused with a {@link PermanentException} naming the field.
 *
 * @param length the number of characters, 8 to 4096; default 32
 * @param charset {@code alphanumeric} (default), {@code hex}, {@code digits}, {@code base64url} or
 *     {@code custom}
 * @param alphabet the characters to draw from; required with {@code custom}, refused otherwise
 */
public record SecretSpec(@Nullable Integer length, @Nullable String charset, @Nullable String alphabet) {

  /** The length used when none is given. */
  public static final int DEFAULT_LENGTH = 32;

  private static final String HEX = "0123456789abcdef";
  private static final String DIGITS = "0123456789";
  private static final String BASE64URL = Secret.ALPHANUMERIC + "-_";

  /** Applies defaults and validates. */
  public SecretSpec {
    length = length == null ? DEFAULT_LENGTH : length;
    if (length < 8 || length > 4096) {
      throw invalid("length", "must be between 8 and 4096, was " + length);
    }
    charset = charset == null ? "alphanumeric" : charset.strip().toLowerCase(Locale.ROOT);
    switch (charset) {
      case "alphanumeric", "hex", "digits", "base64url" -> {
        if (alphabet != null) {
          throw invalid("alphabet", "is only allowed with charset 'custom'");
        }
      }
      case "custom" -> {
        if (alphabet == null || alphabet.isEmpty()) {
          throw invalid("alphabet", "is required with charset 'custom'");
        }
        if (alphabet.chars().distinct().count() < 2) {
          throw invalid("alphabet", "needs at least 2 distinct characters");
        }
      }
      default -> throw invalid("charset",
          "must be one of alphanumeric, hex, digits, base64url, custom");
    }
  }

  /** A spec with every default: 32 alphanumeric characters. */
  public static SecretSpec defaults() {
    return new SecretSpec(null, null, null);
  }

  /** The characters this spec draws from. */
  public String characters() {
    return switch (charset) {
      case "hex" -> HEX;
      case "digits" -> DIGITS;
      case "base64url" -> BASE64URL;
      case "custom" -> alphabet;
      default -> Secret.ALPHANUMERIC;
    };
  }

  private static PermanentException invalid(String field, String why) {
    return new PermanentException("secret spec, field '" + field + "': " + why);
  }
}
