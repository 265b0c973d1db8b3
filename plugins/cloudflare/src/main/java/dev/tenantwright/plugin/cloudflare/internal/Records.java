package dev.tenantwright.plugin.cloudflare.internal;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.StepContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converges one DNS record in one zone, the logic both resource types share: look the record up by type and name,
 * adopt it only when its comment carries a marker of this resource, refuse any foreign record that is identical,
 * holds the name, or (for TXT, unless allowed) would share the name, create it with the marker as comment, and
 * delete only a recorded id whose comment is still ours.
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
   * @param ttl the TTL, 1 for automatic (always 1 for a proxied record)
   */
  public record Desired(String type, String name, String content, @Nullable Boolean proxied, int ttl) {

    /**
     * A record as a spec asks for it. A proxied record's TTL is always automatic at Cloudflare ("By default, all
     * proxied records have a TTL of Auto ... This value cannot be edited.",
     * developers.cloudflare.com/dns/manage-dns-records/reference/ttl/), so another TTL is replaced by 1, with a
     * log line, rather than patched forever.
     */
    public static Desired of(String type, String name, String content, @Nullable Boolean proxied,
        @Nullable Integer ttl) {
      int wanted = ttl == null ? 1 : ttl;
      if (Boolean.TRUE.equals(proxied) && wanted != 1) {
        LOG.info("DNS record {} {} is proxied, so Cloudflare keeps its TTL automatic; ttl {} is not used", type, name,
            wanted);
        wanted = 1;
      }
      return new Desired(type, name, content, proxied, wanted);
    }

    /** {@code "CNAME shop.example.com -> cname.vercel-dns.com"}, for messages. */
    public String describe() {
      return type + " " + name + " -> " + content;
    }
  }

  /**
   * Finds or creates the record: CREATED when this step made it (now or in an earlier attempt), ADOPTED when
   * an earlier run of this resource did.
   *
   * @param shareTxt whether a TXT record may join TXT records of its name that this resource does not own
   * @throws PermanentException when a record without our marker is identical or holds the name, or is a TXT
   *     record of the same name and {@code shareTxt} is false
   */
  public static CreateResult<ApiRecord> ensure(ZoneRecords api, Desired want, StepContext ctx, boolean shareTxt) {
    int limit = api.commentLimit();
    for (int round = 1; round <= 2; round++) {
      List<ApiRecord> found = api.list(want.type(), want.name());
      Optional<ApiRecord> mine = pickMine(found, want, ctx, limit);
      if (mine.isPresent()) {
        ApiRecord r = converge(api, mine.get(), want);
        return CommentMarkers.isOurs(ctx, r.comment(), limit) ? CreateResult.created(r) : CreateResult.adopted(r);
      }
      refuseForeign(found, want, ctx, limit, shareTxt);
      ctx.progress().report(50, "creating DNS record " + want.describe());
      ZoneRecords.Created created = api.create(body(want, CommentMarkers.comment(ctx.ownershipMarker(), limit)));
      if (created.record() != null) {
        LOG.debug("created DNS record {}", created.record().describe());
        return CreateResult.created(created.record());
      }
      if (created.refusal() == ZoneRecords.HOST_TAKEN || created.refusal() == ZoneRecords.CNAME_TAKEN) {
        throw conflict(api, want, created);
      }
      // 81057/81058: an identical record appeared since we looked; look again and decide on what is there.
    }
    throw new PermanentException("cloudflare: DNS record " + want.describe()
        + " is refused as a duplicate, but no record of that type and name carries the marker of "
        + ctx.ownershipMarker());
  }

  /** The record of this resource among those of the spec's type and name, if there is one. */
  public static Optional<ApiRecord> find(ZoneRecords api, Desired want, StepContext ctx) {
    return pickMine(api.list(want.type(), want.name()), want, ctx, api.commentLimit());
  }

  /** The recorded record, if it still exists and still carries a marker of this resource. */
  public static Optional<ApiRecord> read(ZoneRecords api, String id, StepContext ctx) {
    return api.get(id).filter(r -> CommentMarkers.belongsHere(ctx, r.comment(), api.commentLimit()));
  }

  /**
   * Deletes the recorded record; one that is already gone is success.
   *
   * @throws PermanentException when the record at that id no longer carries a marker of this resource
   */
  public static void delete(ZoneRecords api, String id, StepContext ctx) {
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

  /**
   * Patches the record when its content, proxying or TTL differ from {@code want}; keeps its comment. The TTL of a
   * proxied record is not compared: Cloudflare keeps it automatic whatever is sent.
   */
  public static ApiRecord converge(ZoneRecords api, ApiRecord r, Desired want) {
    boolean proxied = Boolean.TRUE.equals(want.proxied());
    boolean same = r.plainContent().equals(ApiRecord.unquote(want.content()))
        && (want.proxied() == null || want.proxied().equals(r.proxied()))
        && (proxied || Objects.equals(r.ttl() == null ? 1 : r.ttl(), want.ttl()));
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

  private static void refuseForeign(List<ApiRecord> found, Desired want, StepContext ctx, int limit,
      boolean shareTxt) {
    List<ApiRecord> sharing = new ArrayList<>();
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
      sharing.add(r);
    }
    if (sharing.isEmpty()) {
      return;
    }
    String others = sharing.stream().map(r -> r.describe() + " [" + markerText(r) + "]")
        .collect(Collectors.joining(", "));
    if (!shareTxt) {
      throw new PermanentException("cloudflare: TXT record " + want.describe() + " would join TXT records of the same"
          + " name that this resource does not manage: " + others + "; refused unless the cloudflare plugin"
          + " configuration sets allowSharedTxt: true");
    }
    LOG.info("TXT record {} joins TXT records this resource does not manage: {}", want.describe(), others);
  }

  /**
   * Whether records of these two types cannot share a name at Cloudflare: a CNAME excludes A, AAAA and CNAME
   * records ("A/AAAA records cannot exist on the same name as CNAME records", the create operation's notes).
   */
  public static boolean exclusive(String a, String b) {
    return EXCLUSIVE.contains(a) && EXCLUSIVE.contains(b) && (a.equals("CNAME") || b.equals("CNAME"));
  }

  private static PermanentException conflict(ZoneRecords api, Desired want, ZoneRecords.Created refused) {
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
