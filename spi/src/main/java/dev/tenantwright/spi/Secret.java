package dev.tenantwright.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A secret value — a password, token or API key — that never shows itself by accident.
 *
 * <p>{@link #toString()} prints a mask, never the value; only {@link #reveal()} returns it, and callers
 * pass the revealed value straight to the backend (an HTTP header, a process's stdin or environment).
 * Generated secrets come from {@link SecureRandom}. The engine stores secrets encrypted and redacts them
 * from captured command output. Immutable and thread-safe.
 *
 * <pre>{@code
 * Secret dbPassword = Secret.generate(32);
 * Command cmd = Command.builder("tool", "login").stdin(dbPassword).build();
 * }</pre>
 */
public final class Secret {

  /** Letters and digits: safe in URLs, shells, YAML and .env files. */
  public static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** The mask {@link #toString()} returns. */
  public static final String MASK = "******";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps a secret value that came from elsewhere (configuration, a backend's answer). */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("a secret must not be empty");
    }
    return new Secret(value);
  }

  /** Generates a random alphanumeric secret of the given length. */
  public static Secret generate(int length) {
    return generate(length, ALPHANUMERIC);
  }

  /**
   * Generates a random secret of the given length from the given alphabet using {@link SecureRandom}.
   *
   * @throws IllegalArgumentException if the length is below 8 or above 4096, or the alphabet has fewer
   *     than 2 distinct characters
   */
  public static Secret generate(int length, String alphabet) {
    if (length < 8 || length > 4096) {
      throw new IllegalArgumentException("secret length must be between 8 and 4096, was " + length);
    }
    Objects.requireNonNull(alphabet, "alphabet");
    if (alphabet.chars().distinct().count() < 2) {
      throw new IllegalArgumentException("secret alphabet needs at least 2 distinct characters");
    }
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return new Secret(sb.toString());
  }

  /** Returns the secret value; hand it to the backend and nowhere else. */
  public String reveal() {
    return value;
  }

  /** The number of characters in the secret. */
  public int length() {
    return value.length();
  }

  /** Replaces every occurrence of this secret in {@code text} with {@link #MASK}. */
  public String redact(String text) {
    return text == null ? null : text.replace(value, MASK);
  }

  /** Compares in constant time, so timing does not reveal how much of a guess was right. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.length();
  }

  /** Returns {@link #MASK}, never the value. */
  @Override
  public String toString() {
    return MASK;
  }
}
