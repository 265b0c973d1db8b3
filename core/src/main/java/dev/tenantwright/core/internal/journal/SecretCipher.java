package dev.tenantwright.core.internal.journal;

import dev.tenantwright.core.internal.json.SecretCodec;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets with AES-256-GCM under the host key before they reach any table, and opens them again.
 *
 * <p>A sealed value is {@code enc:v1:} followed by base64 of a random 12-byte nonce and the ciphertext with
 * its 128-bit tag, so the same secret sealed twice looks different. Also computes keyed hashes (HMAC-SHA256)
 * of resolved specs, which may contain secrets, for change detection. Thread-safe.
 */
public final class SecretCipher implements SecretCodec {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE = 12;

  private final SecretKeySpec key;
  private final SecretKeySpec macKey;

  /** Uses a 32-byte host key. */
  public SecretCipher(byte[] hostKey) {
    if (hostKey == null || hostKey.length != 32) {
      throw new TenantwrightException("the secret key must be 32 bytes (AES-256)");
    }
    this.key = new SecretKeySpec(Arrays.copyOf(hostKey, 32), "AES");
    try {
      Mac derive = Mac.getInstance("HmacSHA256");
      derive.init(new SecretKeySpec(hostKey, "HmacSHA256"));
      this.macKey = new SecretKeySpec(derive.doFinal("tenantwright-spec-hash".getBytes(StandardCharsets.UTF_8)),
          "HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new TenantwrightException("HMAC-SHA256 unavailable", e);
    }
  }

  /**
   * Reads the host key from {@code file}, or creates it (32 random bytes, base64, mode 0600) when absent.
   */
  public static byte[] loadOrCreateKey(Path file) {
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(file, Base64.getEncoder().encodeToString(fresh));
        } catch (FileAlreadyExistsException raced) {
          // another process created it first; read theirs below
        } catch (UnsupportedOperationException noPosix) {
          Files.writeString(file, Base64.getEncoder().encodeToString(fresh));
        }
      }
      byte[] key = Base64.getDecoder().decode(Files.readString(file).strip());
      if (key.length != 32) {
        throw new TenantwrightException("secret key file " + file + " does not hold 32 bytes");
      }
      return key;
    } catch (IOException | IllegalArgumentException e) {
      throw new TenantwrightException("cannot read or create the secret key file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String seal(Secret secret) {
    try {
      byte[] nonce = new byte[NONCE];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      byte[] ct = c.doFinal(secret.reveal().getBytes(StandardCharsets.UTF_8));
      return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new TenantwrightException("cannot encrypt a secret", e);
    }
  }

  @Override
  public Secret open(String sealed) {
    if (!sealed.startsWith(PREFIX)) {
      throw new TenantwrightException("not a sealed secret");
    }
    try {
      byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, NONCE));
      byte[] pt = c.doFinal(all, NONCE, all.length - NONCE);
      return Secret.of(new String(pt, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new TenantwrightException("cannot decrypt a stored secret: wrong host key or corrupt journal", e);
    }
  }

  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(macKey);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new TenantwrightException("HMAC-SHA256 unavailable", e);
    }
  }

  /** A keyed hash of {@code text} (hex), safe to store even when the text holds secrets. */
  public String hash(String text) {
    {
      byte[] h = macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(64);
      for (byte b : h) {
        sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return sb.toString();
    }
  }
}
