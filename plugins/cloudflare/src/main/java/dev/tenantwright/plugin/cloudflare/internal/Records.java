package dev.tenantwright.plugin.cloudflare.internal;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.StepContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converges one DNS record, the logic both resource types share: look the record up by type and name, adopt
 * it only when its comment carries a marker of this resource, refuse any foreign record that is identical or
 * holds the name, create it with the marker as comment, and delete only a recorded id whose comment is still
 * ours.
 *
 * <p>Stateless; thread-safe.
 */
public final class Records {

  private static final Logger LOG = LoggerFactory.getLogger(Records.class);
  private static final Set<String> EXCLUSIVE = Set.of("A", "AAAA", "CNAME");

  private Records() {}

  /**
   * A record as a spec wants it.
   *
   * @param type A, AAAA, CNAME or TXT
   * @param name the fully qualified name
   * @param content the content
   * @param proxied whether to proxy; null for types that cannot be proxied
   * @param ttl the TTL, 1 for automatic
   */
  public record Desired(String type, String name, String content, @Nullable Boolean proxied, int ttl) {

    /** {@code "CNAME shop.example.com -> cname.vercel-dns.com"}, for messages. */
    public String describe() {
      return type + " " + name + " -> " + content;
    }
  }

  /**
   * Finds or creates the record: CREATED when this step made it (now or in an earlier attempt), ADOPTED when
   * an earlier run of this resource did.
   *
   * @throws PermanentException when a record without our marker is identical or holds the name
   */
  public static CreateResult<ApiRecord> ensure(CloudflareApi api, Desired want, StepContext ctx) {
    int limit = api.commentLimit();
    for (int round = 1; round <= 2; round++) {
      List<ApiRecord> found = api.list(want.type(), want.name());
      Optional<ApiRecord> mine = pickMine(found, want, ctx, limit);
      if (mine.isPresent()) {
        ApiRecord r = converge(api, mine.get(), want);
        return CommentMarkers.isOurs(ctx, r.comment(), limit) ? CreateResult.created(r) : CreateResult.adopted(r);
      }
      refuseForeign(found, want, ctx, limit);
      ctx.progress().report(50, "creating DNS record " + want.describe());
      CloudflareApi.Created created = api.create(body(want, CommentMarkers.comment(ctx.ownershipMarker(), limit)));
      if (created.record() != null) {
        LOG.debug("created DNS record {}", created.record().describe());
        return CreateResult.created(created.record());
      }
      if (created.refusal() == CloudflareApi.HOST_TAKEN || created.refusal() == CloudflareApi.CNAME_TAKEN) {
        throw conflict(api, want, created);
      }
      // 81057/81058: an identical record appeared since we looked; look again and decide on what is there.
    }
    throw new PermanentException("cloudflare: DNS record " + want.describe()
        + " is refused as a duplicate, but no record of that type and name carries the marker of "
        + ctx.ownershipMarker());
  }

  /** The record of this resource among those of the spec's type and name, if there is one. */
  public static Optional<ApiRecord> find(CloudflareApi api, Desired want, StepContext ctx) {
    return pickMine(api.list(want.type(), want.name()), want, ctx, api.commentLimit());
  }

  /** The recorded record, if it still exists and still carries a marker of this resource. */
  public static Optional<ApiRecord> read(CloudflareApi api, String id, StepContext ctx) {
    return api.get(id).filter(r -> CommentMarkers.belongsHere(ctx, r.comment(), api.commentLimit()));
  }

  /**
   * Deletes the recorded record; one that is already gone is success.
   *
   * @throws PermanentException when the record at that id no longer carries a marker of this resource
   */
  public static void delete(CloudflareApi api, String id, StepContext ctx) {
    Optional<ApiRecord> r = api.get(id);
    if (r.isEmpty()) {
      return;
    }
    if (!CommentMarkers.belongsHere(ctx, r.get().comment(), api.commentLimit())) {
      throw new PermanentException("cloudflare: refusing to delete DNS record " + r.get().describe()
          + ": its comment " + (r.get().comment() == null ? "is empty" : "'" + r.get().comment() + "'")
          + " is not the ownership marker of this resource, so someone else owns it now");
    }
    if (api.delete(id)) {
      LOG.debug("deleted DNS record {}", r.get().describe());
    }
  }

  /** Patches the record when its content, proxying or TTL differ from {@code want}; keeps its comment. */
  public static ApiRecord converge(CloudflareApi api, ApiRecord r, Desired want) {
    boolean same = r.plainContent().equals(ApiRecord.unquote(want.content()))
        && (want.proxied() == null || want.proxied().equals(r.proxied()))
        && Objects.equals(r.ttl(), want.ttl());
    if (same) {
      return r;
    }
    LOG.debug("updating DNS record {} to {}", r.describe(), want.describe());
    return api.patch(r.id(), body(want, r.comment()));
  }

  private static Optional<ApiRecord> pickMine(List<ApiRecord> found, Desired want, StepContext ctx, int limit) {
    ApiRecord best = null;
    for (ApiRecord r : found) {
      if (!r.type().equals(want.type()) || !CommentMarkers.belongsHere(ctx, r.comment(), limit)) {
        continue;
      }
      boolean ours = CommentMarkers.isOurs(ctx, r.comment(), limit);
      boolean sameContent = r.plainContent().equals(ApiRecord.unquote(want.content()));
      if (best == null || ours && !CommentMarkers.isOurs(ctx, best.comment(), limit)
          || sameContent && !best.plainContent().equals(ApiRecord.unquote(want.content()))) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }

  private static void refuseForeign(List<ApiRecord> found, Desired want, StepContext ctx, int limit) {
    for (ApiRecord r : found) {
      if (!r.type().equals(want.type()) || CommentMarkers.belongsHere(ctx, r.comment(), limit)) {
        continue;
      }
      if (r.plainContent().equals(ApiRecord.unquote(want.content()))) {
        throw new PermanentException("cloudflare: an identical DNS record " + r.describe()
            + " already exists and is not managed by this resource (" + markerText(r) + "); refusing to adopt it");
      }
      if (EXCLUSIVE.contains(want.type())) {
        throw new PermanentException("cloudflare: DNS record " + want.describe() + " conflicts with " + r.describe()
            + ", which is not managed by this resource (" + markerText(r) + ")");
      }
    }
  }

  private static PermanentException conflict(CloudflareApi api, Desired want, CloudflareApi.Created refused) {
    StringBuilder holders = new StringBuilder();
    for (ApiRecord r : api.list(null, want.name())) {
      if (EXCLUSIVE.contains(r.type())) {
        holders.append(holders.length() == 0 ? "" : ", ").append(r.describe());
      }
    }
    return new PermanentException("cloudflare: cannot create DNS record " + want.describe() + ": ["
        + refused.refusal() + "] " + refused.message()
        + (holders.length() == 0 ? "" : " (held by " + holders + ")"));
  }

  private static String markerText(ApiRecord r) {
    return r.comment() == null || r.comment().isEmpty() ? "no ownership marker" : "comment '" + r.comment() + "'";
  }

  private static RecordBody body(Desired want, @Nullable String comment) {
    return new RecordBody(want.type(), want.name(), want.content(), want.proxied(), want.ttl(), comment);
  }
}
