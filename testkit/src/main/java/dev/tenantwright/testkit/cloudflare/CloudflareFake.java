package dev.tenantwright.testkit.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.BackendFake;
import dev.tenantwright.testkit.RouteRequest;
import dev.tenantwright.testkit.RouteResponse;
import dev.tenantwright.testkit.OpenApiContract;
import dev.tenantwright.testkit.RouteHandler;
import dev.tenantwright.testkit.SpecReducer;
import dev.tenantwright.testkit.dns.DnsFake;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A stateful fake of Cloudflare's API v4 for DNS: zones ({@code GET /zones?name=}, {@code GET /zones/{zone_id}})
 * and their records ({@code /zones/{zone_id}/dns_records}: list with filters, create, read, patch, overwrite and
 * delete), in one or more zones.
 *
 * <p>It behaves as BACKENDS.md §5 describes: every answer is the envelope {@code {success, errors, messages,
 * result, result_info}} (result_info on lists); a record identical to an existing one (type, name, content) is
 * refused with 400 and code 81058 (or 81057, see {@link #identicalCode(int)}); a CNAME where an A, AAAA or CNAME
 * exists is 400 + 81053, an A or AAAA where a CNAME exists 400 + 81054; a missing record is 404 + 81044;
 * invalid content (an A record that is not IPv4), a TTL outside 1 or 60–86400, a proxied TXT record and a
 * comment over {@linkplain #commentLimit(int) 100 characters} are 400s; a name outside the zone the record is
 * sent to is 400 + 1004. Names are stored as lower-case FQDNs ({@code @} is the zone apex, a single label gets
 * the zone appended). A proxied record's TTL is always stored as 1 (automatic). Requests need
 * {@code Authorization: Bearer} {@link #TOKEN} (else 403 + 10000) and a known zone (else 400 + 7003).
 *
 * <p>{@link #dns()} is what Cloudflare's name servers answer for the records of the fake's <em>active</em> zones
 * (proxied names answer Cloudflare's anycast addresses, an apex CNAME is flattened): plug it into a
 * {@link DnsFake} to make records resolvable.
 *
 * <p>Every exchange is validated against a reduced copy of Cloudflare's published OpenAPI document
 * ({@link #contract()}); tests call {@link #assertContractRespected()} to fail on a non-conforming request.
 * {@link #afterEachCall(IntConsumer)} runs a callback after each call has taken effect, before its answer is
 * sent. Records can be planted and inspected directly ({@link #putRecord}, {@link #records()},
 * {@link #hasTxt(String, String)}).
 *
 * <p>Thread-safe: handlers run one at a time on the fake's monitor, and every public method that touches
 * state is synchronized. Close it after use.
 *
 * <pre>{@code
 * try (CloudflareFake cloudflare = new CloudflareFake(); DnsFake dns = new DnsFake()) {
 *   cloudflare.zone("9a7806061c88ada191ed06f989cc3dac", "customer.example.net");
 *   String foreign = cloudflare.putRecord("A", "www.example.com", "198.51.100.7", null);
 *   dns.source(cloudflare.dns());
 *   // point the plugin at cloudflare.baseUrl(), token CloudflareFake.TOKEN, resolvers [dns.address()]
 *   cloudflare.assertContractRespected();
 * }
 * }</pre>
 */
public final class CloudflareFake extends BackendFake {

  /** The bearer token the fake accepts unless told otherwise. */
  public static final String TOKEN = "cloudflare-test-token";

  /** The id of the zone every fake starts with. */
  public static final String ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";

  /** The name of the zone every fake starts with. */
  public static final String ZONE_NAME = "example.com";

  /** Class-path location of the reduced OpenAPI document. */
  public static final String SPEC_RESOURCE = "/dev/tenantwright/testkit/specs/cloudflare/cloudflare-dns-openapi-reduced.json";

  /** Route key: list or search zones. */
  public static final String LIST_ZONES = "GET /zones";
  /** Route key: one zone's details. */
  public static final String GET_ZONE = "GET /zones/{zone_id}";
  /** Route key: list records. */
  public static final String LIST = "GET /zones/{zone_id}/dns_records";
  /** Route key: create a record. */
  public static final String CREATE = "POST /zones/{zone_id}/dns_records";
  /** Route key: read a record. */
  public static final String GET = "GET /zones/{zone_id}/dns_records/{dns_record_id}";
  /** Route key: change some fields of a record. */
  public static final String PATCH = "PATCH /zones/{zone_id}/dns_records/{dns_record_id}";
  /** Route key: overwrite a record. */
  public static final String PUT = "PUT /zones/{zone_id}/dns_records/{dns_record_id}";
  /** Route key: delete a record. */
  public static final String DELETE = "DELETE /zones/{zone_id}/dns_records/{dns_record_id}";

  /**
   * The IPv4 address {@link #dns()} answers for a proxied name: one of Cloudflare's anycast addresses (the one
   * Cloudflare's own docs use in examples), since proxied records are answered with Cloudflare's addresses,
   * never the origin's (developers.cloudflare.com/dns/proxy-status/).
   */
  public static final String PROXY_IPV4 = "104.16.132.229";

  /** The IPv6 address {@link #dns()} answers for a proxied name. */
  public static final String PROXY_IPV6 = "2606:4700::6810:84e5";

  private static final Set<String> PROXIABLE = Set.of("A", "AAAA", "CNAME");
  private static final Set<String> ZONE_STATUSES = Set.of("initializing", "pending", "active", "moved");
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");
  /** A host name; a record name may also start with the wildcard label {@code *}. */
  private static final Pattern HOST =
      Pattern.compile("(\\*\\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?");

  private final Clock clock;
  private final Map<String, Zone> zones = new LinkedHashMap<>();
  private final Map<String, Rec> records = new LinkedHashMap<>();
  private Random random = new Random(11);
  private String token = TOKEN;
  private int identicalCode = 81058;
  private int commentLimit = 100;

  /** A fake with the zone {@link #ZONE_ID} ({@link #ZONE_NAME}), validating against {@link #contract()}. */
  public CloudflareFake() {
    this(Clock.systemUTC());
  }

  /** A fake whose record timestamps follow {@code clock}. */
  public CloudflareFake(Clock clock) {
    super("cloudflare", "/client/v4");
    this.clock = Objects.requireNonNull(clock, "clock");
    zones.put(ZONE_ID, new Zone(ZONE_ID, ZONE_NAME, "active", clock.instant().truncatedTo(ChronoUnit.MICROS)));
    route("GET", "/zones", this::listZones);
    route("GET", "/zones/{zone_id}", req -> {
      ObjectNode body = envelope();
      body.set("result", render(zones.get(req.pathParam("zone_id"))));
      return RouteResponse.json(200, body);
    });
    route("GET", "/zones/{zone_id}/dns_records", this::list);
    route("POST", "/zones/{zone_id}/dns_records", this::create);
    route("GET", "/zones/{zone_id}/dns_records/{dns_record_id}", req -> withRecord(req, r -> single(r)));
    route("PATCH", "/zones/{zone_id}/dns_records/{dns_record_id}", req -> withRecord(req, r -> change(req, r, false)));
    route("PUT", "/zones/{zone_id}/dns_records/{dns_record_id}", req -> withRecord(req, r -> change(req, r, true)));
    route("DELETE", "/zones/{zone_id}/dns_records/{dns_record_id}", req -> withRecord(req, r -> {
      records.remove(r.id);
      ObjectNode body = envelope();
      body.putObject("result").put("id", r.id);
      return RouteResponse.json(200, body);
    }));
    validateAgainst(contract());
  }

  /** The reduced Cloudflare OpenAPI document every exchange is validated against (built once per JVM). */
  public static OpenApiContract contract() {
    return OpenApiContract.load(CloudflareFake.class.getResource(SPEC_RESOURCE), SpecReducer.keeping());
  }

  // ------------------------------------------------------------------------------------ configuration

  /** Accepts this bearer token instead of {@link #TOKEN}. */
  public synchronized CloudflareFake token(String bearerToken) {
    this.token = Objects.requireNonNull(bearerToken, "bearerToken");
    return this;
  }

  /** Adds an active zone. */
  public CloudflareFake zone(String zoneId, String zoneName) {
    return zone(zoneId, zoneName, "active");
  }

  /**
   * Adds a zone in a given status: {@code active}, or {@code pending} (added to Cloudflare, but its name servers
   * not yet switched, so Cloudflare does not answer for it), {@code initializing} or {@code moved}.
   */
  public synchronized CloudflareFake zone(String zoneId, String zoneName, String status) {
    if (!ZONE_STATUSES.contains(status)) {
      throw new IllegalArgumentException("status must be one of " + ZONE_STATUSES);
    }
    zones.put(Objects.requireNonNull(zoneId, "zoneId"), new Zone(zoneId, zoneName.toLowerCase(Locale.ROOT), status,
        clock.instant().truncatedTo(ChronoUnit.MICROS)));
    return this;
  }

  /** The error code for an identical record: 81058 (current API, the default) or 81057 (older API). */
  public synchronized CloudflareFake identicalCode(int code) {
    this.identicalCode = code;
    return this;
  }

  /** The longest comment accepted; 100 (Free plan, the default), 500 on paid plans. */
  public synchronized CloudflareFake commentLimit(int characters) {
    this.commentLimit = characters;
    return this;
  }

  @Override
  public CloudflareFake afterEachCall(IntConsumer listener) {
    super.afterEachCall(listener);
    return this;
  }

  // ------------------------------------------------------------------------------------ planting and views

  /**
   * Puts a record, bypassing the API's duplicate checks, into the zone whose name is the longest suffix of
   * {@code name} (the first zone when none is: a relative name then gets that zone appended); {@code comment}
   * may be null. Returns its id.
   */
  public synchronized String putRecord(String type, String name, String content, String comment) {
    String n = name.toLowerCase(Locale.ROOT);
    String zoneId = zones.values().stream()
        .filter(z -> n.equals(z.name) || n.endsWith("." + z.name))
        .max(Comparator.comparingInt(z -> z.name.length()))
        .map(z -> z.id).orElse(ZONE_ID);
    Rec r = newRecord(zoneId, type, fqdn(zoneId, name), content);
    r.comment = comment;
    if (r.proxied) {
      r.ttl = 1;
    }
    records.put(r.id, r);
    return r.id;
  }

  /**
   * Deletes a record behind the plugin's back, as someone in the dashboard (DNS, Records, Delete) does; the same as
   * {@link #DELETE}.
   */
  public synchronized void removeRecord(String id) {
    if (records.remove(id) == null) {
      throw new IllegalArgumentException("no DNS record " + id + " in the fake");
    }
  }

  /**
   * Changes a record's content behind the plugin's back, as someone editing it in the dashboard does; its id,
   * comment and TTL stay and {@code modified_on} moves, as after {@link #PATCH} with only {@code content}.
   */
  public synchronized void setContent(String id, String content) {
    Rec r = records.get(id);
    if (r == null) {
      throw new IllegalArgumentException("no DNS record " + id + " in the fake");
    }
    r.content = content;
    r.modifiedOn = clock.instant();
  }

  /** One record as the fake holds it. */
  public record DnsRecord(String id, String type, String name, String content, boolean proxied, int ttl,
      String comment, String zoneId) {}

  /** Every record, in creation order. */
  public synchronized List<DnsRecord> records() {
    return records.values().stream()
        .map(r -> new DnsRecord(r.id, r.type, r.name, r.content, r.proxied, r.ttl, r.comment, r.zoneId)).toList();
  }

  /** The record with this id, if it exists. */
  public synchronized Optional<DnsRecord> record(String id) {
    return records().stream().filter(r -> r.id().equals(id)).findFirst();
  }

  /** Whether a TXT record of that name holds {@code value} (quoted or not): a verifier's lookup. */
  public synchronized boolean hasTxt(String name, String value) {
    String n = name.toLowerCase(Locale.ROOT);
    return records.values().stream().anyMatch(r -> r.type.equals("TXT") && r.name.equals(n)
        && unquote(r.content).equals(unquote(value)));
  }

  /**
   * What Cloudflare's name servers answer, for {@link DnsFake#source(DnsFake.Source)}: the records of the fake's
   * {@code active} zones (a pending zone's name servers are not Cloudflare's yet, so nothing there resolves). TXT
   * content is served without the quotes the API may show. A name with a proxied A, AAAA or CNAME record answers
   * {@link #PROXY_IPV4} / {@link #PROXY_IPV6} for every A/AAAA question and no CNAME: once one record of a name is
   * proxied, Cloudflare treats all its address records as proxied (developers.cloudflare.com/dns/proxy-status/).
   * A CNAME at a zone apex is always flattened: it answers the target's addresses when the target is in an
   * active zone of the fake, and never a CNAME (developers.cloudflare.com/dns/cname-flattening/).
   */
  public DnsFake.Source dns() {
    return this::answer;
  }

  private synchronized List<String> answer(String name, String type) {
    return answer(name, type, 0);
  }

  private List<String> answer(String name, String type, int depth) {
    Optional<Zone> zone = zones.values().stream()
        .filter(z -> z.status.equals("active") && (name.equals(z.name) || name.endsWith("." + z.name)))
        .max(Comparator.comparingInt(z -> z.name.length()));
    if (zone.isEmpty() || depth > 8) {
      return List.of();
    }
    List<Rec> here = records.values().stream().filter(r -> r.zoneId.equals(zone.get().id) && r.name.equals(name))
        .toList();
    boolean proxied = here.stream().anyMatch(r -> r.proxied && PROXIABLE.contains(r.type));
    boolean apex = name.equals(zone.get().name);
    List<String> out = new ArrayList<>();
    switch (type) {
      case "TXT" -> here.stream().filter(r -> r.type.equals("TXT")).forEach(r -> out.add(unquote(r.content)));
      case "A", "AAAA" -> {
        if (proxied) {
          out.add(type.equals("A") ? PROXY_IPV4 : PROXY_IPV6);
        } else {
          here.stream().filter(r -> r.type.equals(type)).forEach(r -> out.add(r.content));
          if (apex) {
            here.stream().filter(r -> r.type.equals("CNAME"))
                .forEach(r -> out.addAll(answer(r.content.toLowerCase(Locale.ROOT), type, depth + 1)));
          }
        }
      }
      case "CNAME" -> {
        if (!proxied && !apex) {
          here.stream().filter(r -> r.type.equals("CNAME")).forEach(r -> out.add(r.content.toLowerCase(Locale.ROOT)));
        }
      }
      default -> { }
    }
    return out;
  }

  /** One line per record: type, name, content and comment. */
  @Override
  public synchronized Collection<String> liveObjects() {
    List<String> out = new ArrayList<>();
    for (Rec r : records.values()) {
      out.add("dns " + r.type + " " + r.name + " -> " + r.content + (r.comment == null ? "" : " [" + r.comment + "]"));
    }
    return out;
  }

  @Override
  protected void resetState() {
    records.clear();
    random = new Random(11);
  }

  @Override
  protected RouteResponse errorResponse(int status, String message) {
    int code = switch (status) {
      case 400 -> 1004;
      case 401, 403 -> 10000;
      case 404 -> 7003;
      case 405 -> 10405;
      case 429 -> 971;
      default -> status >= 500 ? 10001 : 1000;
    };
    return failure(status, code, message);
  }

  @Override
  protected RouteResponse rateLimitedResponse(Duration retryAfter) {
    long seconds = (retryAfter.toMillis() + 999) / 1000;
    return failure(429, 971, "Please wait and consider throttling your request speed")
        .withHeader("Retry-After", Long.toString(seconds))
        .withHeader("Ratelimit", "\"default\";r=0;t=" + seconds)
        .withHeader("Ratelimit-Policy", "\"burst\";q=1200;w=300");
  }

  // ------------------------------------------------------------------------------------ handlers

  private void route(String method, String template, RouteHandler handler) {
    on(method, template, req -> {
      if (!req.header("Authorization").orElse("").equals("Bearer " + token)) {
        return failure(403, 10000, "Authentication error");
      }
      if (template.contains("{zone_id}") && !zones.containsKey(req.pathParam("zone_id"))) {
        return failure(400, 7003, "Could not route to /zones/" + req.pathParam("zone_id")
            + (template.contains("dns_records") ? "/dns_records" : "") + ", perhaps your object identifier is invalid?");
      }
      return handler.handle(req);
    });
  }

  /**
   * {@code GET /zones}: {@code name} matches exactly (case-insensitively) unless it carries one of the operators
   * the API documents ({@code contains:}, {@code starts_with:}, {@code ends_with:}, {@code not_equal:},
   * {@code equal:}); {@code status} filters; {@code page} and {@code per_page} (default 20) page the result.
   */
  private RouteResponse listZones(RouteRequest req) {
    Predicate<Zone> filter = z -> true;
    Optional<String> name = req.query("name");
    if (name.isPresent()) {
      String q = name.get().toLowerCase(Locale.ROOT);
      int colon = q.indexOf(':');
      String op = colon < 0 ? "equal" : q.substring(0, colon);
      String v = colon < 0 ? q : q.substring(colon + 1);
      filter = switch (op) {
        case "contains" -> z -> z.name.contains(v);
        case "starts_with" -> z -> z.name.startsWith(v);
        case "ends_with" -> z -> z.name.endsWith(v);
        case "not_equal" -> z -> !z.name.equals(v);
        case "equal" -> z -> z.name.equals(v);
        default -> z -> z.name.equals(q);
      };
    }
    Optional<String> status = req.query("status");
    if (status.isPresent()) {
      filter = filter.and(z -> z.status.equals(status.get()));
    }
    int page = req.query("page").map(Integer::parseInt).orElse(1);
    int perPage = req.query("per_page").map(Integer::parseInt).orElse(20);
    List<Zone> all = zones.values().stream().filter(filter).toList();
    int from = Math.min(all.size(), (page - 1) * perPage);
    List<Zone> slice = all.subList(from, Math.min(all.size(), from + perPage));
    ObjectNode body = envelope();
    ArrayNode result = body.putArray("result");
    slice.forEach(z -> result.add(render(z)));
    body.putObject("result_info").put("page", page).put("per_page", perPage).put("count", slice.size())
        .put("total_count", all.size()).put("total_pages", Math.max(1, (all.size() + perPage - 1) / perPage));
    return RouteResponse.json(200, body);
  }

  private RouteResponse withRecord(RouteRequest req, Function<Rec, RouteResponse> then) {
    Rec r = records.get(req.pathParam("dns_record_id"));
    if (r == null || !r.zoneId.equals(req.pathParam("zone_id"))) {
      return failure(404, 81044, "Record does not exist.");
    }
    return then.apply(r);
  }

  private RouteResponse list(RouteRequest req) {
    String zone = req.pathParam("zone_id");
    Predicate<Rec> filter = r -> r.zoneId.equals(zone);
    Optional<String> type = req.query("type");
    if (type.isPresent()) {
      filter = filter.and(r -> r.type.equalsIgnoreCase(type.get()));
    }
    Optional<String> name = req.query("name").or(() -> req.query("name.exact"));
    if (name.isPresent()) {
      String n = fqdn(zone, name.get());
      filter = filter.and(r -> r.name.equals(n));
    }
    Optional<String> content = req.query("content").or(() -> req.query("content.exact"));
    if (content.isPresent()) {
      filter = filter.and(r -> r.content.equals(content.get()));
    }
    Optional<String> comment = req.query("comment").or(() -> req.query("comment.exact"));
    if (comment.isPresent()) {
      filter = filter.and(r -> r.comment != null && r.comment.equalsIgnoreCase(comment.get()));
    }
    Optional<String> startsWith = req.query("comment.startswith");
    if (startsWith.isPresent()) {
      String prefix = startsWith.get().toLowerCase(Locale.ROOT);
      filter = filter.and(r -> r.comment != null && r.comment.toLowerCase(Locale.ROOT).startsWith(prefix));
    }
    int page = req.query("page").map(Integer::parseInt).orElse(1);
    int perPage = req.query("per_page").map(Integer::parseInt).orElse(100);
    List<Rec> all = records.values().stream().filter(filter).toList();
    int from = Math.min(all.size(), (page - 1) * perPage);
    List<Rec> slice = all.subList(from, Math.min(all.size(), from + perPage));
    ObjectNode body = envelope();
    ArrayNode result = body.putArray("result");
    slice.forEach(r -> result.add(render(r)));
    body.putObject("result_info").put("page", page).put("per_page", perPage).put("count", slice.size())
        .put("total_count", all.size()).put("total_pages", Math.max(1, (all.size() + perPage - 1) / perPage));
    return RouteResponse.json(200, body);
  }

  private RouteResponse create(RouteRequest req) {
    String zone = req.pathParam("zone_id");
    JsonNode body = req.json();
    Rec r = newRecord(zone, body.path("type").asText("").toUpperCase(Locale.ROOT),
        fqdn(zone, body.path("name").asText("")), body.path("content").asText(""));
    RouteResponse refused = apply(r, body, null);
    if (refused != null) {
      return refused;
    }
    records.put(r.id, r);
    return single(r);
  }

  private RouteResponse change(RouteRequest req, Rec existing, boolean overwrite) {
    JsonNode body = req.json();
    Rec r = existing.copy();
    if (overwrite) {
      r.proxied = false;
      r.ttl = 1;
      r.comment = null;
    }
    if (body.has("type")) {
      r.type = body.get("type").asText().toUpperCase(Locale.ROOT);
    }
    if (body.has("name")) {
      r.name = fqdn(existing.zoneId, body.get("name").asText());
    }
    if (body.has("content")) {
      r.content = body.get("content").asText();
    }
    RouteResponse refused = apply(r, body, existing.id);
    if (refused != null) {
      return refused;
    }
    r.modifiedOn = clock.instant();
    records.put(r.id, r);
    return single(r);
  }

  /** Applies the optional fields of {@code body} to {@code r} and checks it; returns the refusal, if any. */
  private RouteResponse apply(Rec r, JsonNode body, String self) {
    if (body.has("proxied")) {
      r.proxied = body.get("proxied").asBoolean();
    }
    if (body.has("ttl")) {
      r.ttl = body.get("ttl").asInt();
    }
    if (body.has("comment")) {
      r.comment = body.get("comment").isNull() ? null : body.get("comment").asText();
    }
    String zoneName = zones.get(r.zoneId).name;
    // The API reference: "name: Complete DNS record name, including the zone name"
    // (developers.cloudflare.com/api/resources/dns/subresources/records/methods/create/); a name outside the
    // zone is a DNS validation error (code 1004, as the audit of the plugin recorded it).
    if (!r.name.equals(zoneName) && !r.name.endsWith("." + zoneName) || !HOST.matcher(r.name).matches()) {
      return failure(400, 1004, "DNS Validation Error: the name " + r.name + " is not valid in zone " + zoneName);
    }
    switch (r.type) {
      case "A" -> {
        if (!IPV4.matcher(r.content).matches()) {
          return failure(400, 9005, "Content for A record must be a valid IPv4 address.");
        }
      }
      case "AAAA" -> {
        if (!r.content.contains(":") || !IPV6.matcher(r.content).matches()) {
          return failure(400, 9006, "Content for AAAA record must be a valid IPv6 address.");
        }
      }
      case "CNAME" -> {
        if (!HOST.matcher(r.content.toLowerCase(Locale.ROOT)).matches() || r.content.equalsIgnoreCase(r.name)) {
          return failure(400, 9007, "Content for CNAME record is invalid.");
        }
      }
      case "TXT" -> {
        if (r.content.isEmpty()) {
          return failure(400, 9008, "Content for TXT record is invalid.");
        }
      }
      default -> { }
    }
    if (r.proxied && !PROXIABLE.contains(r.type)) {
      return failure(400, 9004, "This record type cannot be proxied.");
    }
    if (r.ttl != 1 && (r.ttl < 60 || r.ttl > 86400)) {
      return failure(400, 9021, "Invalid TTL. Must be between 60 and 86400 seconds, or 1 for automatic.");
    }
    if (r.proxied) {
      // "By default, all proxied records have a TTL of Auto ... This value cannot be edited."
      // (developers.cloudflare.com/dns/manage-dns-records/reference/ttl/): the record keeps TTL 1 whatever was sent.
      r.ttl = 1;
    }
    if (r.comment != null && r.comment.length() > commentLimit) {
      return failure(400, 9101, "DNS record comment is too long: " + r.comment.length() + " characters, at most "
          + commentLimit + " allowed on this plan.");
    }
    for (Rec other : records.values()) {
      if (other.id.equals(self) || !other.zoneId.equals(r.zoneId) || !other.name.equals(r.name)) {
        continue;
      }
      if (other.type.equals(r.type) && other.content.equals(r.content)) {
        return failure(400, identicalCode, identicalCode == 81057
            ? "Record already exists." : "A record with the same settings already exists.");
      }
      if (r.type.equals("CNAME") && Set.of("A", "AAAA", "CNAME").contains(other.type)) {
        return failure(400, 81053, "An A, AAAA, or CNAME record with that host already exists.");
      }
      if (Set.of("A", "AAAA").contains(r.type) && other.type.equals("CNAME")) {
        return failure(400, 81054, "A CNAME record with that host already exists.");
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------------ rendering and state

  private RouteResponse single(Rec r) {
    ObjectNode body = envelope();
    body.set("result", render(r));
    return RouteResponse.json(200, body);
  }

  private ObjectNode render(Rec r) {
    ObjectNode o = newObject().put("id", r.id).put("zone_id", r.zoneId).put("zone_name", zones.get(r.zoneId).name)
        .put("type", r.type).put("name", r.name).put("content", r.content)
        .put("proxiable", PROXIABLE.contains(r.type)).put("proxied", r.proxied).put("ttl", r.ttl)
        .put("created_on", r.createdOn.toString()).put("modified_on", r.modifiedOn.toString());
    if (r.comment == null) {
      o.putNull("comment");
    } else {
      o.put("comment", r.comment);
    }
    o.putArray("tags");
    o.putObject("meta").put("auto_added", false).put("source", "primary");
    return o;
  }

  /** A zone as {@code GET /zones} shows it: every field the spec requires, plus {@code status} and {@code type}. */
  private ObjectNode render(Zone z) {
    ObjectNode o = newObject().put("id", z.id).put("name", z.name).put("status", z.status).put("paused", false)
        .put("type", "full").put("development_mode", 0);
    o.putArray("name_servers").add("bob.ns.cloudflare.com").add("lola.ns.cloudflare.com");
    o.putNull("original_name_servers");
    o.putNull("original_registrar");
    o.putNull("original_dnshost");
    o.put("created_on", z.createdOn.toString()).put("modified_on", z.createdOn.toString());
    if (z.status.equals("active")) {
      o.put("activated_on", z.createdOn.toString());
    } else {
      o.putNull("activated_on");
    }
    o.putObject("owner").put("id", "c2547eb745079dac9320b638f5e225cf").put("type", "user").put("name", "Example Org");
    o.putObject("account").put("id", "372e67954025e0ba6aaa6d586b9e0b59").put("name", "Example Account Name");
    o.putObject("meta").put("step", 2).put("custom_certificate_quota", 0).put("page_rule_quota", 3)
        .put("phishing_detected", false);
    return o;
  }

  private ObjectNode envelope() {
    ObjectNode body = newObject().put("success", true);
    body.putArray("errors");
    body.putArray("messages");
    return body;
  }

  private RouteResponse failure(int status, int code, String message) {
    ObjectNode body = newObject().put("success", false);
    body.putArray("errors").addObject().put("code", code).put("message", message);
    body.putArray("messages");
    body.putNull("result");
    return RouteResponse.json(status, body);
  }

  private Rec newRecord(String zone, String type, String name, String content) {
    Rec r = new Rec();
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < 32; i++) {
      id.append(Character.forDigit(random.nextInt(16), 16));
    }
    r.id = id.toString();
    r.zoneId = zone;
    r.type = type;
    r.name = name;
    r.content = content;
    r.createdOn = clock.instant().truncatedTo(ChronoUnit.MICROS);
    r.modifiedOn = r.createdOn;
    return r;
  }

  /**
   * The FQDN a request's name stands for: {@code @} (or nothing) is the apex and a single label is relative to the
   * zone, as in Cloudflare's dashboard; any other name is taken as written.
   */
  private String fqdn(String zone, String name) {
    String zoneName = zones.get(zone).name;
    String n = name.toLowerCase(Locale.ROOT);
    while (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    if (n.equals("@") || n.isEmpty()) {
      return zoneName;
    }
    return n.contains(".") ? n : n + "." + zoneName;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  private record Zone(String id, String name, String status, Instant createdOn) {}

  private static final class Rec {
    String id;
    String zoneId;
    String type;
    String name;
    String content;
    boolean proxied;
    int ttl = 1;
    String comment;
    Instant createdOn;
    Instant modifiedOn;

    Rec copy() {
      Rec c = new Rec();
      c.id = id;
      c.zoneId = zoneId;
      c.type = type;
      c.name = name;
      c.content = content;
      c.proxied = proxied;
      c.ttl = ttl;
      c.comment = comment;
      c.createdOn = createdOn;
      c.modifiedOn = modifiedOn;
      return c;
    }
  }
}
