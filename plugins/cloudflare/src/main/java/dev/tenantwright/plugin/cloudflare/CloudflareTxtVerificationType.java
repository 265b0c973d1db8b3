package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.plugin.cloudflare.internal.ApiRecord;
import dev.tenantwright.plugin.cloudflare.internal.DnsLookup;
import dev.tenantwright.plugin.cloudflare.internal.Records;
import dev.tenantwright.plugin.cloudflare.internal.Session;
import dev.tenantwright.plugin.cloudflare.internal.Zone;
import dev.tenantwright.plugin.cloudflare.internal.ZoneRecords;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * {@code cloudflare.txt-verification}: TXT-based custom-domain verification — a TXT record of a given name
 * holding a given value, waited for until DNS answers it, as the third party checking it will ask.
 *
 * <p>With {@code manage: true} (the default) create converges the record exactly like
 * {@link CloudflareDnsRecordType} (ownership marker in the comment, foreign identical records refused, the same
 * name policy) and delete removes it. With {@code manage: false} the step only waits for a record someone else
 * creates — in the customer's own DNS or in a zone the token can read — reports it ADOPTED and never deletes it.
 * Read reports a managed record's name and text as Cloudflare holds them now, so a refresh finds one edited by hand
 * changed (its {@code value}); an unmanaged record is there only while DNS answers the value.
 *
 * <p>Visible means: the configured resolvers (default: the system's) answer the value. For a name in an active
 * zone the plugin manages, the Cloudflare API is looked at first and DNS is asked only once the API lists the
 * record: asking earlier would make resolvers cache the negative answer for the zone's negative TTL (RFC 2308)
 * and delay the verification that follows. Waiting backs off and stops at the step's deadline (retryable) or at
 * {@code timeout} (a {@link PermanentException} saying which name and value were expected and what DNS answered).
 *
 * <pre>{@code
 * verify:
 *   type: cloudflare.txt-verification
 *   params: {name: "${domain.txtName}", value: "${domain.txtValue}"}
 * }</pre>
 *
 * <p>Thread-safe; the zones it finds are cached for the life of the instance.
 */
@Extension
public final class CloudflareTxtVerificationType implements ResourceType<TxtVerificationSpec, TxtVerificationOutputs> {

  private static final Duration MAX_INTERVAL = Duration.ofSeconds(30);

  private final Session.Sessions sessions = new Session.Sessions();

  @Override
  public String type() {
    return "cloudflare.txt-verification";
  }

  @Override
  public Class<TxtVerificationSpec> specType() {
    return TxtVerificationSpec.class;
  }

  @Override
  public Class<TxtVerificationOutputs> outputType() {
    return TxtVerificationOutputs.class;
  }

  /** The {@code cloudflare} section binds to {@link CloudflareConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return CloudflareConfig.class;
  }

  @Override
  public CreateResult<TxtVerificationOutputs> create(TxtVerificationSpec spec, StepContext ctx) {
    Session s = sessions.of(ctx);
    CreateResult.Origin origin = CreateResult.Origin.ADOPTED;
    String preferred = null;
    Optional<Zone> zone;
    if (spec.managed()) {
      Session.Target target = s.target("name", spec.name(), spec.zoneId());
      CreateResult<ApiRecord> made =
          Records.ensure(target.records(), desired(spec), ctx, s.config().sharedTxtAllowed());
      origin = made.origin();
      preferred = made.outputs().id();
      zone = Optional.of(target.zone());
    } else {
      zone = s.zones().managing(spec.name(), spec.zoneId());
    }
    Look seen = awaitVisible(s, zone, spec, preferred, ctx);
    return new CreateResult<>(outputs(spec, spec.managed() ? preferred : seen.recordId(), zone), origin);
  }

  @Override
  public Optional<TxtVerificationOutputs> read(TxtVerificationSpec spec, TxtVerificationOutputs outputs, StepContext ctx) {
    Session s = sessions.of(ctx);
    if (spec.managed()) {
      String zoneId = outputs != null && outputs.zoneId() != null ? outputs.zoneId()
          : s.zones().forName("name", spec.name(), spec.zoneId()).id();
      ZoneRecords records = s.records(zoneId);
      Optional<ApiRecord> r = outputs != null && outputs.recordId() != null
          ? Records.read(records, outputs.recordId(), ctx)
          : Records.find(records, desired(spec), ctx);
      return r.map(x -> new TxtVerificationOutputs(x.name(), seenValue(spec, x), x.id(), true, zoneId));
    }
    Optional<Zone> zone = s.zones().managing(spec.name(), spec.zoneId());
    Look look = look(s, zone, spec, outputs == null ? null : outputs.recordId());
    return look.visible() ? Optional.of(outputs(spec, look.recordId(), zone)) : Optional.empty();
  }

  @Override
  public void delete(TxtVerificationSpec spec, TxtVerificationOutputs outputs, StepContext ctx) {
    if (outputs.managed() && outputs.recordId() != null) {
      Session s = sessions.of(ctx);
      String zoneId = outputs.zoneId() != null ? outputs.zoneId()
          : s.zones().forName("name", spec.name(), spec.zoneId()).id();
      Records.delete(s.records(zoneId), outputs.recordId(), ctx);
    }
  }

  /** One look: whether the record is visible, the API's record when there is one, and what was seen. */
  private record Look(boolean visible, @Nullable String recordId, String seen) {}

  private static Look awaitVisible(Session s, Optional<Zone> zone, TxtVerificationSpec spec, String preferred,
      StepContext ctx) {
    Instant giveUp = ctx.clock().instant().plus(spec.timeoutDuration());
    Duration wait = spec.intervalDuration();
    for (int n = 1; ; n++) {
      Look look = look(s, zone, spec, preferred);
      if (look.visible()) {
        ctx.progress().report(100, "TXT record " + spec.name() + " is visible in DNS");
        return look;
      }
      if (!ctx.clock().instant().plus(wait).isBefore(giveUp)) {
        throw new PermanentException("cloudflare: no TXT record " + spec.name() + " holding \"" + spec.value()
            + "\" became visible within " + spec.timeoutDuration().toSeconds() + " s (" + n + " looks); last look: "
            + look.seen() + (spec.managed() ? "" : ". Create the record, then retry"));
      }
      ctx.progress().report(Math.min(90, 10 + n * 5), "waiting for TXT record " + spec.name() + ": " + look.seen());
      ctx.pause(wait);
      wait = wait.multipliedBy(2).compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : wait.multipliedBy(2);
    }
  }

  /**
   * Looks once. In an active zone the plugin manages, DNS is asked only after the API lists the record; elsewhere
   * (the customer's own DNS, a zone whose name servers are not Cloudflare's yet) DNS alone decides.
   */
  private static Look look(Session s, Optional<Zone> zone, TxtVerificationSpec spec, @Nullable String preferred) {
    String recordId = null;
    if (zone.isPresent() && zone.get().active()) {
      Optional<ApiRecord> listed = listed(s.records(zone.get().id()), spec, preferred);
      if (listed.isEmpty()) {
        return new Look(false, null, "Cloudflare's API lists no such record in zone " + zone.get().describe()
            + " yet, so DNS was not asked");
      }
      recordId = listed.get().id();
    }
    DnsLookup.Answer answer = s.dns().txt(spec.name());
    if (answer.values().contains(spec.value()) || answer.values().contains(ApiRecord.unquote(spec.value()))) {
      return new Look(true, recordId, answer.describe());
    }
    return new Look(false, recordId, (recordId == null ? "" : "Cloudflare's API lists it, but ") + "DNS answers "
        + answer.describe());
  }

  private static Optional<ApiRecord> listed(ZoneRecords records, TxtVerificationSpec spec, @Nullable String preferred) {
    Optional<ApiRecord> any = Optional.empty();
    for (ApiRecord r : records.list("TXT", spec.name())) {
      if (r.plainContent().equals(ApiRecord.unquote(spec.value()))) {
        if (r.id().equals(preferred)) {
          return Optional.of(r);
        }
        any = any.isPresent() ? any : Optional.of(r);
      }
    }
    return any;
  }

  private static TxtVerificationOutputs outputs(TxtVerificationSpec spec, @Nullable String recordId,
      Optional<Zone> zone) {
    return new TxtVerificationOutputs(spec.name(), spec.value(), recordId, spec.managed(),
        recordId == null ? null : zone.map(Zone::id).orElse(null));
  }

  /**
   * The text the record holds now, in the spec's spelling when it is the same text (the API may quote TXT content):
   * a refresh compares it with what create recorded, so a record edited by hand is reported changed.
   */
  private static String seenValue(TxtVerificationSpec spec, ApiRecord record) {
    return ApiRecord.unquote(spec.value()).equals(record.plainContent()) ? spec.value() : record.plainContent();
  }

  private static Records.Desired desired(TxtVerificationSpec spec) {
    return Records.Desired.of("TXT", spec.name(), spec.value(), null, 1);
  }
}
