package dev.tenantwright.spi;

import java.util.Objects;

/**
 * What a {@link ResourceType#create} call produced, and whether it made the object or found it.
 *
 * <p>The difference decides rollback: the engine deletes only what a step {@linkplain Origin#CREATED
 * created}, never what it {@linkplain Origin#ADOPTED adopted}.
 *
 * @param outputs the resource's outputs, never null
 * @param origin whether the object was created by this step or adopted
 * @param <O> the output record type
 */
public record CreateResult<O>(O outputs, Origin origin) {

  /** Who brought an object into existence. */
  public enum Origin {
    /** This step made it (possibly in an earlier attempt of the same step); rollback deletes it. */
    CREATED,
    /** It existed before this step and carries our ownership marker; rollback leaves it alone. */
    ADOPTED
  }

  /** Validates presence. */
  public CreateResult {
    Objects.requireNonNull(outputs, "outputs");
    Objects.requireNonNull(origin, "origin");
  }

  /** The object was made by this step. */
  public static <O> CreateResult<O> created(O outputs) {
    return new CreateResult<>(outputs, Origin.CREATED);
  }

  /** The object existed already and is adopted; rollback will not delete it. */
  public static <O> CreateResult<O> adopted(O outputs) {
    return new CreateResult<>(outputs, Origin.ADOPTED);
  }
}
