package dev.tenantwright.plugin.cloudflare.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.BackendError;
import dev.tenantwright.plugin.support.RestClient;
import dev.tenantwright.plugin.support.RestRequest;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.Nullable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The DNS records API of one zone ({@code /zones/{zone_id}/dns_records}), on top of the shared {@link RestClient}
 * (which classifies every failure). Answers are read from Cloudflare's envelope ({@link CloudflareApi#envelope}).
 *
 * <p>Immutable and thread-safe; made by {@link CloudflareApi#records(String)}.
 */
public final class ZoneRecords {

  /** Identical record already exists (current API). */
  public static final int IDENTICAL = 81058;
  /** Identical record already exists (older API). */
  public static final int IDENTICAL_LEGACY = 81057;
  /** An A, AAAA or CNAME record with that host already exists. */
  public static final int HOST_TAKEN = 81053;
  /** A CNAME record with that host already exists. */
  public static final int CNAME_TAKEN = 81054;
  /** Record does not exist. */
  public static final int MISSING = 81044;

  private static final TypeReference<List<ApiRecord>> RECORDS = new TypeReference<>() {};

  private final RestClient http;
  private final String zoneId;
  private final String records;
  private final int commentLimit;

  ZoneRecords(RestClient http, String zoneId, int commentLimit) {
    this.http = http;
    this.zoneId = zoneId;
    this.records = "/zones/" + zoneId + "/dns_records";
    this.commentLimit = commentLimit;
  }

  /** The zone's identifier. */
  public String zoneId() {
    return zoneId;
  }

  /** The longest comment the zone accepts. */
  public int commentLimit() {
    return commentLimit;
  }

  /** Every record of {@code name}, of {@code type} when it is not null, following pages. */
  public List<ApiRecord> list(@Nullable String type, String name) {
    List<ApiRecord> out = new ArrayList<>();
    for (int page = 1; ; page++) {
      RestResponse r = http.call(RestRequest.get(records)
          .query("type", type).query("name", name).query("page", page).query("per_page", 100));
      JsonNode body = CloudflareApi.envelope(r);
      out.addAll(SupportJson.mapper().convertValue(body.path("result"), RECORDS));
      int pages = body.path("result_info").path("total_pages").asInt(1);
      if (page >= pages) {
        return out;
      }
    }
  }

  /** The outcome of a create: the record, or the API's refusal code for a duplicate or conflict. */
  public record Created(@Nullable ApiRecord record, int refusal, String message) {}

  /**
   * Creates a record. Duplicates and conflicts (400 with 81057, 81058, 81053 or 81054) come back as a refusal
   * for the caller to resolve; every other failure is thrown.
   */
  public Created create(RecordBody body) {
    RestResponse r = http.call(RestRequest.post(records, body).expect(400));
    if (r.status() == 400) {
      int code = CloudflareApi.code(r);
      if (code == IDENTICAL || code == IDENTICAL_LEGACY || code == HOST_TAKEN || code == CNAME_TAKEN) {
        return new Created(null, code, r.error().map(BackendError::message).orElse(""));
      }
      r.requireSuccess();
    }
    return new Created(record(r), 0, "");
  }

  /** The record with this id, or empty when Cloudflare says it does not exist (404 / 81044). */
  public Optional<ApiRecord> get(String id) {
    RestResponse r = http.call(RestRequest.get(records + "/" + id).expect(404));
    return gone(r) ? Optional.empty() : Optional.of(record(r));
  }

  /** Changes a record to {@code body}. */
  public ApiRecord patch(String id, RecordBody body) {
    return record(http.call(RestRequest.patch(records + "/" + id, body)));
  }

  /** Deletes a record; returns false when it was already gone (404 / 81044). */
  public boolean delete(String id) {
    RestResponse r = http.call(RestRequest.delete(records + "/" + id).expect(404));
    if (gone(r)) {
      return false;
    }
    CloudflareApi.envelope(r);
    return true;
  }

  /** Whether an answer says the record does not exist; a 404 for another reason (a wrong zone) is thrown. */
  private static boolean gone(RestResponse r) {
    if (r.status() != 404) {
      return false;
    }
    int code = CloudflareApi.code(r);
    if (code == MISSING || code == 0) {
      return true;
    }
    r.requireSuccess();
    return false;
  }

  private static ApiRecord record(RestResponse r) {
    return SupportJson.mapper().convertValue(CloudflareApi.envelope(r).path("result"), ApiRecord.class);
  }
}
