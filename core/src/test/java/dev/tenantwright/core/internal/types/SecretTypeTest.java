package dev.tenantwright.core.internal.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.core.internal.json.Json;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretTypeTest {

  private final SecretType type = new SecretType();
  private final StepContextFake ctx = StepContextFake.create();

  @Test
  void generatesThirtyTwoAlphanumericCharactersByDefault() {
    CreateResult<SecretOutputs> result = type.create(SecretSpec.defaults(), ctx);

    assertThat(result.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(result.outputs().value().reveal()).hasSize(32).matches("[A-Za-z0-9]+");
  }

  @Test
  void generatesADifferentValueEachTime() {
    Secret first = type.create(SecretSpec.defaults(), ctx).outputs().value();
    Secret second = type.create(SecretSpec.defaults(), ctx).outputs().value();

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void honoursLengthAndCharset() {
    assertThat(reveal(new SecretSpec(64, "hex", null))).hasSize(64).matches("[0-9a-f]+");
    assertThat(reveal(new SecretSpec(8, "digits", null))).hasSize(8).matches("[0-9]+");
    assertThat(reveal(new SecretSpec(100, "base64url", null))).hasSize(100).matches("[A-Za-z0-9_-]+");
    assertThat(reveal(new SecretSpec(40, "custom", "xy"))).hasSize(40).matches("[xy]+");
  }

  @Test
  void bindsFromBlueprintParametersWithDefaults() {
    ObjectMapper mapper = Json.bindingMapper();

    SecretSpec spec = mapper.convertValue(Map.of("length", 64), SecretSpec.class);

    assertThat(spec).isEqualTo(new SecretSpec(64, "alphanumeric", null));
  }

  @Test
  void refusesALengthOutsideEightTo4096NamingTheField() {
    assertThatThrownBy(() -> new SecretSpec(7, null, null))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'length'");
    assertThatThrownBy(() -> new SecretSpec(4097, null, null))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'length'");
  }

  @Test
  void refusesAnUnknownCharsetNamingTheField() {
    assertThatThrownBy(() -> new SecretSpec(null, "emoji", null))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'charset'");
  }

  @Test
  void requiresAnAlphabetExactlyWhenTheCharsetIsCustom() {
    assertThatThrownBy(() -> new SecretSpec(null, "custom", null))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'alphabet'")
        .hasMessageContaining("required");
    assertThatThrownBy(() -> new SecretSpec(null, "hex", "abc"))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'alphabet'");
    assertThatThrownBy(() -> new SecretSpec(null, "custom", "aaaa"))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("2 distinct");
  }

  @Test
  void readReturnsTheRecordedSecretAndNothingWhenNoneWasRecorded() {
    SecretOutputs recorded = type.create(SecretSpec.defaults(), ctx).outputs();

    assertThat(type.read(SecretSpec.defaults(), recorded, ctx)).contains(recorded);
    assertThat(type.read(SecretSpec.defaults(), null, ctx)).isEmpty();
  }

  private String reveal(SecretSpec spec) {
    return type.create(spec, ctx).outputs().value().reveal();
  }
}
