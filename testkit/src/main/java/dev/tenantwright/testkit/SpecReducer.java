package dev.tenantwright.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.internal.Json;
import dev.tenantwright.testkit.internal.SpecOps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cuts a published OpenAPI/Swagger document down to the paths a fake serves and repairs it so a request
 * validator loads it and judges it correctly (BACKENDS.md §9).
 *
 * <p>{@link #reduce(JsonNode)} always works in this order: (1) path keys carrying a query string are
 * dropped — or, for Incus, {@code ?recursion=N} keys are kept as {@code /recursionN/...}; (2) only the
 * wanted paths are kept (none listed: all); (3) components they cannot reach are dropped; (4) lower-case
 * status ranges ({@code 4xx}) become {@code 4XX}, duplicate {@code enum} values are removed, and the
 * top-level {@code security} is copied into operations that declare none (the validator checks only an
 * operation's own), and a parameter typed {@code oneOf: [string, ...]} becomes a string (the validator
 * would parse its value as JSON); (5) the patches run in the order given. Reduced documents load in about a second instead of several and need
 * a few MiB instead of hundreds; plugin modules can also write one with {@link #toJson(JsonNode)} and ship
 * it as a test resource.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * SpecReducer vercel = SpecReducer.keeping("/v11/projects", "/v9/projects/{idOrName}");
 * ObjectNode small = vercel.reduce(SpecReducer.read(Path.of("specs/vercel-openapi-2025-10-27.json")));   // downloaded from Vercel
 * }</pre>
 */
public final class SpecReducer {

  private final List<String> paths;
  private final boolean renameRecursion;
  private final List<SpecPatch> patches;

  private SpecReducer(List<String> paths, boolean renameRecursion, List<SpecPatch> patches) {
    this.paths = List.copyOf(paths);
    this.renameRecursion = renameRecursion;
    this.patches = List.copyOf(patches);
  }

  /**
   * Keeps these path keys (exact, or a prefix ending in {@code *}); none means every path. Suits
   * documents without backend-specific defects, Vercel's included (its duplicate enums are always fixed).
   */
  public static SpecReducer keeping(String... paths) {
    return new SpecReducer(List.of(paths), false, List.of());
  }

  /** For Cloudflare's v4 document: {@link #keeping} plus {@link SpecPatch#cloudflare()}. */
  public static SpecReducer cloudflare(String... paths) {
    return keeping(paths).with(SpecPatch.cloudflare());
  }

  /**
   * For Incus's Swagger 2 document: {@code ?recursion=N} keys are kept as {@code /recursionN/...} (list them
   * under that name to keep them) and requests with {@code recursion=N} are validated against them;
   * plus {@link SpecPatch#incusNullable()}.
   */
  public static SpecReducer incus(String... paths) {
    return new SpecReducer(List.of(paths), true, List.of(SpecPatch.incusNullable()));
  }

  /** This reducer with one more patch, run after the ones it has. */
  public SpecReducer with(SpecPatch patch) {
    List<SpecPatch> more = new ArrayList<>(patches);
    more.add(Objects.requireNonNull(patch, "patch"));
    return new SpecReducer(paths, renameRecursion, more);
  }

  /**
   * Returns a reduced, repaired deep copy of the document.
   *
   * @throws IllegalArgumentException if it is not an OpenAPI/Swagger document or a wanted path is missing
   */
  public ObjectNode reduce(JsonNode document) {
    if (!(document instanceof ObjectNode)) {
      throw new IllegalArgumentException("not an OpenAPI or Swagger document: the root is not an object");
    }
    ObjectNode doc = ((ObjectNode) document).deepCopy();
    SpecOps.handleQueryPathKeys(doc, renameRecursion);
    if (!paths.isEmpty()) {
      SpecOps.keepPaths(doc, paths);
    }
    SpecOps.pruneUnreachable(doc);
    SpecOps.uppercaseStatusRanges(doc);
    SpecOps.dedupeEnums(doc);
    SpecOps.inheritRootSecurity(doc);
    SpecOps.stringifyCombinatorParameters(doc);
    for (SpecPatch p : patches) {
      p.apply(doc);
    }
    return doc;
  }

  /** Reads a JSON or YAML document from a file. */
  public static JsonNode read(Path document) {
    try {
      return Json.readDocument(Files.readAllBytes(document), document.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + document, e);
    }
  }

  /** Reads a JSON or YAML document from a URL, e.g. a class-path resource. */
  public static JsonNode read(URL document) {
    Objects.requireNonNull(document, "document (a missing class-path resource?)");
    try (InputStream in = document.openStream()) {
      return Json.readDocument(in.readAllBytes(), document.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + document, e);
    }
  }

  /** Pretty-printed JSON of a (reduced) document, to ship as a test resource. */
  public static String toJson(JsonNode document) {
    try {
      return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Identifies what this reducer does: its paths, recursion handling and patch names. */
  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    patches.forEach(p -> names.add(p.name()));
    return "SpecReducer" + paths + (renameRecursion ? "+recursion" : "") + names;
  }
}
