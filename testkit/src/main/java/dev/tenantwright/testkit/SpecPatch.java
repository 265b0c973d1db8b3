package dev.tenantwright.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.internal.SpecOps;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A named repair applied to an OpenAPI or Swagger document by a {@link SpecReducer}, after it has kept the
 * wanted paths and dropped unreachable components.
 *
 * <p>The name identifies the patch in the reducer's cache key, so two reducers with the same paths and
 * patch names share one validator per JVM: give custom patches stable, distinct names. Implementations
 * edit the document in place and must be thread-safe (the stock ones are stateless).
 *
 * <pre>{@code
 * SpecReducer reducer = SpecReducer.keeping("/v1/widgets").with(
 *     SpecPatch.of("drop-examples", doc -> doc.remove("x-examples")));
 * }</pre>
 */
public interface SpecPatch {

  /** A stable name, part of the reducer's cache key. */
  String name();

  /** Edits the document in place. */
  void apply(ObjectNode document);

  /** A patch from a name and a function. */
  static SpecPatch of(String name, Consumer<ObjectNode> edit) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(edit, "edit");
    return new SpecPatch() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void apply(ObjectNode document) {
        edit.accept(document);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /**
   * Marks every object and array schema {@code x-nullable: true}, because Incus (written in Go) sends nil
   * maps and slices as {@code null}.
   */
  static SpecPatch incusNullable() {
    return of("incus-x-nullable", SpecOps::addXNullable);
  }

  /**
   * Cloudflare's DNS fixes: accept an API token where only e-mail + key is declared, drop the response
   * record's outer {@code required} from request bodies, let {@code comment} be null, and set the base
   * path {@code /client/v4}.
   */
  static SpecPatch cloudflare() {
    return of("cloudflare-dns", SpecOps::patchCloudflare);
  }
}
