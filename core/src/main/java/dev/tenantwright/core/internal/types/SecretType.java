package dev.tenantwright.core.internal.types;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Resettable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.util.Optional;

/**
 * The {@code secret} type: a random value generated with {@link java.security.SecureRandom} — a database
 * password, an API key, a {@code .env} entry — that other resources reference as {@code ${name.value}}.
 *
 * <p>The secret lives only in the journal (encrypted), so {@code read} returns what was recorded and
 * {@code delete} has nothing to remove; a new create, e.g. after a crash before the outputs were recorded,
 * generates a new value. Stateless and thread-safe.
 */
public final class SecretType implements ResourceType<SecretSpec, SecretOutputs>,
    Resettable<SecretSpec, SecretOutputs> {

  /** The blueprint type name. */
  public static final String TYPE = "secret";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<SecretSpec> specType() {
    return SecretSpec.class;
  }

  @Override
  public Class<SecretOutputs> outputType() {
    return SecretOutputs.class;
  }

  @Override
  public CreateResult<SecretOutputs> create(SecretSpec spec, StepContext ctx) {
    return CreateResult.created(new SecretOutputs(Secret.generate(spec.length(), spec.characters())));
  }

  @Override
  public Optional<SecretOutputs> read(SecretSpec spec, SecretOutputs outputs, StepContext ctx) {
    return Optional.ofNullable(outputs);
  }

  @Override
  public void delete(SecretSpec spec, SecretOutputs outputs, StepContext ctx) {
    // Nothing exists outside the journal, whose record the engine removes.
  }

  /** Resetting an environment keeps its generated secrets: there is nothing to restore. */
  @Override
  public SecretOutputs reset(SecretSpec spec, SecretOutputs outputs, StepContext ctx) {
    return outputs;
  }
}
