package dev.tenantwright.core.internal.journal;

import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets with AES-256-GCM under the host key before they reach any table, and opens them again.
 *
 * <p>A sealed value is a token {@code v2.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>}: a random 96-bit nonce,
 * so the same secret sealed twice looks different, and the id of the key that sealed it, so that keys can be
 * rotated — new values are sealed with the primary key, values sealed with a retired key still open, and
 * {@code Tenantwright.resealSecrets()} moves them to the primary key. Every token is bound (GCM associated data)
 * to where it is stored — tenant, environment, row and field — so a token copied into another row, another
 * tenant's parameters or another field does not open. Text is never opened: the journal marks what it
 * sealed with a type of its own, so a token a tenant pastes into a parameter stays the text it typed.
 *
 * <p>Also computes keyed hashes (HMAC-SHA256) of resolved specs, which may contain secrets, for change detection.
 * Thread-safe; ciphers and MACs are kept per thread.
 */
public final class SecretCipher {

  /** The prefix of first-format tokens. */
  private static final String V2 = "v2.";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE = 12;
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final String primaryId;
  private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
  private final SecretKeySpec macKey;
  private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(SecretCipher::newCipher);
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  /** Uses a 32-byte host key. */
  public SecretCipher(byte[] hostKey) {
    this(hostKey, List.of());
  }

  /**
   * Uses {@code primary} for everything it seals and for spec hashes, and opens values sealed with any of the
   * {@code retired} keys too.
   */
  public SecretCipher(byte[] primary, List<byte[]> retired) {
    check(primary);
    this.primaryId = keyId(primary);
    keys.put(primaryId, new SecretKeySpec(Arrays.copyOf(primary, 32), "AES"));
    for (byte[] old : retired) {
      check(old);
      keys.putIfAbsent(keyId(old), new SecretKeySpec(Arrays.copyOf(old, 32), "AES"));
    }
    try {
      Mac derive = Mac.getInstance("HmacSHA256");
      derive.init(new SecretKeySpec(primary, "HmacSHA256"));
      this.macKey = new SecretKeySpec(derive.doFinal("tenantwright-spec-hash".getBytes(StandardCharsets.UTF_8)),
          "HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new TenantwrightException("HMAC-SHA256 unavailable", e);
    }
  }

  private static void check(byte[] key) {
    if (key == null || key.length != 32) {
      throw new TenantwrightException("a secret key must be 32 bytes (AES-256)");
    }
  }

  /** A short public id of a key: the first 8 hex characters of its SHA-256. */
  public static String keyId(byte[] key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key)).substring(0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The id of the key new values are sealed with. */
  public String primaryKeyId() {
    return primaryId;
  }

  /**
   * Reads the host key from {@code file}, or creates it (32 random bytes, base64, mode 0600, written to a
   * temporary file and moved into place so that no reader sees a half-written key) when absent. An existing key
   * file that others may read is refused: it decrypts every tenant's secrets.
   */
  public static byte[] loadOrCreateKey(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      try {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
          throw new TenantwrightException("the secret key file " + file + " may be read by other users (mode "
              + PosixFilePermissions.toString(perms) + "); it decrypts every tenant's secrets — restrict it to its "
              + "owner (chmod 600 " + file + ") and start again");
        }
      } catch (UnsupportedOperationException noPosix) {
        // not a POSIX file system: nothing to check
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

  private static void create(Path file) throws IOException {
    byte[] fresh = new byte[32];
    RANDOM.nextBytes(fresh);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, ".secret-key", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException noPosix) {
      tmp = Files.createTempFile(dir, ".secret-key", ".tmp");
    }
    try {
      Files.writeString(tmp, Base64.getEncoder().encodeToString(fresh));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException notAtomic) {
        Files.move(tmp, file);
      }
    } catch (FileAlreadyExistsException raced) {
      // another process created it first; read theirs
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Seals a secret for the place {@code binding} names (tenant, environment, row, field): the token opens only
   * with the same binding.
   */
  public String seal(Secret secret, String binding) {
    try {
      byte[] nonce = new byte[NONCE];
      RANDOM.nextBytes(nonce);
      Cipher c = ciphers.get();
      c.init(Cipher.ENCRYPT_MODE, keys.get(primaryId), new GCMParameterSpec(128, nonce));
      c.updateAAD(binding.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(secret.reveal().getBytes(StandardCharsets.UTF_8));
      return V2 + primaryId + "." + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new TenantwrightException("cannot encrypt a secret", e);
    }
  }

  /**
   * Opens a token sealed for {@code binding}.
   *
   * @throws TenantwrightException when the token was sealed elsewhere, with an unknown key, or is corrupt — the
   *     message never contains the token
   */
  public Secret open(String token, String binding) {
    String[] parts = token.split("\\.", 3);
    if (parts.length != 3 || !parts[0].equals("v2")) {
      throw new TenantwrightException("not a sealed value");
    }
    SecretKeySpec key = keys.get(parts[1]);
    if (key == null) {
      throw new TenantwrightException("a stored secret was sealed with key " + parts[1] + ", which this instance "
          + "does not have (configure it as a retired key, then re-seal)");
    }
    try {
      byte[] all = Base64.getUrlDecoder().decode(parts[2]);
      Cipher c = ciphers.get();
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, NONCE));
      c.updateAAD(binding.getBytes(StandardCharsets.UTF_8));
      return Secret.of(new String(c.doFinal(all, NONCE, all.length - NONCE), StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new TenantwrightException("cannot open a stored secret here: it was sealed for another place "
          + "(another row, tenant or field) or is corrupt", e);
    }
  }

  /** Whether {@code token} was sealed with a key other than the primary one (it should be re-sealed). */
  public boolean needsReseal(String token) {
    return !token.startsWith(V2 + primaryId + ".");
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new TenantwrightException("AES-GCM unavailable", e);
    }
  }

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
    return HexFormat.of().formatHex(macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }
}
