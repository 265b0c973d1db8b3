package dev.tenantwright.plugin.cloudflare.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.cloudflare.CloudflareConfig;
import dev.tenantwright.plugin.support.RestClient;
import dev.tenantwright.plugin.support.RestRequest;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.StepContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The calls the plugin makes to Cloudflare's API v4, on top of the shared {@link RestClient} (which classifies
 * every failure): zone look-ups here, record calls through {@link #records(String)}. Answers are read from
 * Cloudflare's envelope; a 2xx whose {@code success} is false is a {@link PermanentException} carrying the
 * envelope's errors.
 *
 * <p>One instance per configuration, plus a short-lived {@linkplain #forStep view} of it per step attempt;
 * immutable and thread-safe.
 */
public final class CloudflareApi {

  private final RestClient http;
  private final int commentLimit;

  CloudflareApi(CloudflareConfig config) {
    Duration timeout = config.effectiveTimeout();
    this.http = RestClient.builder()
        .name("cloudflare")
        .baseUrl(config.effectiveBaseUrl())
        .bearerToken(config.token())
        .readTimeout(timeout)
        .callTimeout(timeout.plusSeconds(5))
        .build();
    this.commentLimit = config.effectiveCommentLimit();
  }

  private CloudflareApi(RestClient http, int commentLimit) {
    this.http = http;
    this.commentLimit = commentLimit;
  }

  /**
   * This client calling for one step attempt: every request, record calls included, also carries the attempt's
   * trace context ({@link RestClient#forStep}), so a step's calls join the host's trace of the step. It shares this
   * client's connections and is not cached: keep it no longer than the call to the step. Without trace headers it
   * is this client itself.
   */
  CloudflareApi forStep(StepContext ctx) {
    RestClient view = http.forStep(ctx);
    return view == http ? this : new CloudflareApi(view, commentLimit);
  }

  /** The records API of one zone. */
  public ZoneRecords records(String zoneId) {
    return new ZoneRecords(http, zoneId, commentLimit);
  }

  /**
   * The zones named exactly {@code name} that the token can read ({@code GET /zones?name=}, operationId
   * {@code zones-get}); several only when the same domain was added to more than one account.
   */
  public List<Zone> zonesNamed(String name) {
    RestResponse r = http.call(RestRequest.get("/zones").query("name", name).query("per_page", 50));
    List<Zone> out = new ArrayList<>();
    for (JsonNode z : envelope(r).path("result")) {
      String zoneName = z.path("name").asText("").toLowerCase(Locale.ROOT);
      if (zoneName.equals(name)) {
        out.add(new Zone(z.path("id").asText(), zoneName, z.path("status").asText("active")));
      }
    }
    return out;
  }

  /** The zone with this id ({@code GET /zones/{zone_id}}, operationId {@code zones-0-get}; needs "Zone Read"). */
  public Optional<Zone> zone(String zoneId) {
    RestResponse r = http.call(RestRequest.get("/zones/" + zoneId));
    JsonNode z = envelope(r).path("result");
    if (!z.hasNonNull("name")) {
      return Optional.empty();
    }
    return Optional.of(new Zone(zoneId, z.path("name").asText().toLowerCase(Locale.ROOT),
        z.path("status").asText("active")));
  }

  /** The envelope of a 2xx answer; Cloudflare decides on {@code success}, not on the status alone. */
  static JsonNode envelope(RestResponse r) {
    JsonNode body = r.json();
    if (!body.path("success").asBoolean(false)) {
      throw new PermanentException("cloudflare: " + r.method() + " " + r.path() + " returned " + r.status()
          + " without success" + r.error().map(e -> ": " + e).orElse(""));
    }
    return body;
  }

  /** The first error code of a failure envelope; 0 when there is none. */
  static int code(RestResponse r) {
    JsonNode errors = r.json().path("errors");
    return errors.isArray() && !errors.isEmpty() ? errors.get(0).path("code").asInt(0) : 0;
  }
}
