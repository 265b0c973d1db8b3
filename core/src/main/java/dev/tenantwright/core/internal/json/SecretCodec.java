package dev.tenantwright.core.internal.json;

import dev.tenantwright.spi.Secret;

/**
 * Seals secrets for storage and opens them again; the journal's implementation is AES-GCM with the host key.
 *
 * <p>Thread-safe.
 */
public interface SecretCodec {

  /** The prefix every sealed value starts with, so a sealed string is never mistaken for a plain one. */
  String PREFIX = "enc:v1:";

  /** Encrypts the secret into a printable string starting with {@link #PREFIX}. */
  String seal(Secret secret);

  /** Decrypts a string produced by {@link #seal}. */
  Secret open(String sealed);

  /** A codec that refuses to write secrets anywhere: for mappers that must never persist one. */
  SecretCodec REFUSE = new SecretCodec() {
    @Override
    public String seal(Secret secret) {
      throw new IllegalStateException("refusing to serialise a secret without a codec");
    }

    @Override
    public Secret open(String sealed) {
      throw new IllegalStateException("cannot open a sealed secret without a codec");
    }
  };
}
