package dev.tenantwright.plugin.cloudflare.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.cloudflare.CloudflareConfig;
import dev.tenantwright.plugin.support.BackendError;
import dev.tenantwright.plugin.support.RestClient;
import dev.tenantwright.plugin.support.RestRequest;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls the plugin makes to Cloudflare's DNS records API v4, on top of the shared {@link RestClient}
 * (which classifies every failure). Answers are read from Cloudflare's envelope; a 2xx whose
 * {@code success} is false is a {@link PermanentException} carrying the envelope's errors.
 *
 * <p>One instance per configuration, cached for the plugin's life; immutable and thread-safe.
 */
public final class CloudflareApi {

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

  private static final Map<CloudflareConfig, CloudflareApi> CLIENTS = new ConcurrentHashMap<>();
  private static final TypeReference<List<ApiRecord>> RECORDS = new TypeReference<>() {};

  private final RestClient http;
  private final String records;
  private final int commentLimit;

  private CloudflareApi(CloudflareConfig config) {
    Duration timeout = config.effectiveTimeout();
    this.http = RestClient.builder()
        .name("cloudflare")
        .baseUrl(config.effectiveBaseUrl())
        .bearerToken(config.token())
        .readTimeout(timeout)
        .callTimeout(timeout.plusSeconds(5))
        .build();
    this.records = "/zones/" + config.zoneId() + "/dns_records";
    this.commentLimit = config.effectiveCommentLimit();
  }

  /** The client for a configuration, built once. */
  public static CloudflareApi of(CloudflareConfig config) {
    return CLIENTS.computeIfAbsent(config, CloudflareApi::new);
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
      JsonNode body = envelope(r);
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
      int code = code(r);
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
    envelope(r);
    return true;
  }

  /** Whether an answer says the record does not exist; a 404 for another reason (a wrong zone) is thrown. */
  private static boolean gone(RestResponse r) {
    if (r.status() != 404) {
      return false;
    }
    int code = code(r);
    if (code == MISSING || code == 0) {
      return true;
    }
    r.requireSuccess();
    return false;
  }

  private ApiRecord record(RestResponse r) {
    return SupportJson.mapper().convertValue(envelope(r).path("result"), ApiRecord.class);
  }

  /** The envelope of a 2xx answer; Cloudflare decides on {@code success}, not on the status alone. */
  private static JsonNode envelope(RestResponse r) {
    JsonNode body = r.json();
    if (!body.path("success").asBoolean(false)) {
      throw new PermanentException("cloudflare: " + r.method() + " " + r.path() + " returned " + r.status()
          + " without success" + r.error().map(e -> ": " + e).orElse(""));
    }
    return body;
  }

  private static int code(RestResponse r) {
    JsonNode errors = r.json().path("errors");
    return errors.isArray() && !errors.isEmpty() ? errors.get(0).path("code").asInt(0) : 0;
  }
}
