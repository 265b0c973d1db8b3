package dev.tenantwright.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.internal.journal.SecretCipher;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * SEC1: the journal opens a sealed value only where it sealed it, and never because of what a text looks like.
 * Before, any text starting with {@code enc:v1:} that reached a {@code Secret} field was decrypted with the host
 * key, so a tenant who pasted a ciphertext into a parameter got the plaintext back in its own run.
 */
class JournalCodecTest {

  record Spec(@Nullable String value, @Nullable Secret token) {}

  private final byte[] key = new byte[32];
  private final JournalCodec codec;
  private final ObjectMapper json = new ObjectMapper();

  JournalCodecTest() {
    new SecureRandom().nextBytes(key);
    codec = new JournalCodec(new SecretCipher(key));
  }

  @Test
  void sec1_textInTheFirstSealedFormatIsNeverDecrypted() throws Exception {
    String ciphertext = firstFormat("the other tenant's database password");
    String stored = codec.write(Map.of("value", "x", "token", ciphertext), Scopes.parameters("t-evil/demo"));

    Spec read = codec.read(stored, Spec.class, Scopes.parameters("t-evil/demo"));

    assertThat(read.token().reveal()).isEqualTo(ciphertext);
    assertThat(codec.readParams(stored, Scopes.parameters("t-evil/demo"))).containsEntry("token", ciphertext);
  }

  @Test
  void sec1_aCiphertextPastedAsTextStaysText() throws Exception {
    String victim = codec.write(new Spec("v", Secret.of("hunter2")), Scopes.resource("t-victim/live", "db", "spec"));
    String token = json.readTree(victim).get("token").get("$sealed").asText();
    String stored = codec.write(Map.of("token", token), Scopes.resource("t-evil/demo", "db", "spec"));

    assertThat(codec.read(stored, Spec.class, Scopes.resource("t-evil/demo", "db", "spec")).token().reveal())
        .isEqualTo(token);
  }

  @Test
  void sec1_aSealedValueMovedToAnotherTenantRowOrFieldDoesNotOpen() throws Exception {
    String victim = codec.write(new Spec("v", Secret.of("hunter2")), Scopes.resource("t-victim/live", "db", "spec"));
    assertThat(codec.read(victim, Spec.class, Scopes.resource("t-victim/live", "db", "spec")).token().reveal())
        .isEqualTo("hunter2");

    for (String elsewhere : new String[] {Scopes.resource("t-evil/live", "db", "spec"),
        Scopes.resource("t-victim/live", "web", "spec"), Scopes.resource("t-victim/demo", "db", "spec"),
        Scopes.resource("t-victim/live", "db", "outputs")}) {
      assertThatThrownBy(() -> codec.read(victim, Spec.class, elsewhere))
          .hasMessageContaining("sealed for another place").hasMessageNotContaining("hunter2");
    }
    ObjectNode moved = (ObjectNode) json.readTree(victim);
    moved.set("value", moved.get("token"));
    assertThatThrownBy(() -> codec.read(json.writeValueAsString(moved), Spec.class,
        Scopes.resource("t-victim/live", "db", "spec"))).hasMessageNotContaining("hunter2");
  }

  /** What the first sealing format made of a secret: AES-GCM under the host key, no key id, no binding. */
  private String firstFormat(String plain) throws Exception {
    byte[] nonce = new byte[12];
    new SecureRandom().nextBytes(nonce);
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
    return "enc:v1:" + Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + ct.length).put(nonce).put(ct).array());
  }
}
