package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.plugin.cloudflare.internal.ApiRecord;
import dev.tenantwright.plugin.cloudflare.internal.CloudflareApi;
import dev.tenantwright.plugin.cloudflare.internal.Records;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * {@code cloudflare.txt-verification}: TXT-based custom-domain verification — a TXT record of a given name
 * holding a given value, waited for until Cloudflare's API shows it.
 *
 * <p>With {@code manage: true} (the default) create converges the record exactly like
 * {@link CloudflareDnsRecordType} (ownership marker in the comment, foreign identical records refused) and
 * delete removes it. With {@code manage: false} the step only waits — with backoff, within its timeout and
 * the step's deadline — for a record someone else creates, reports it ADOPTED and never deletes it. A record
 * that does not appear in time is a {@link PermanentException} saying which name and value were expected.
 *
 * <pre>{@code
 * verify:
 *   type: cloudflare.txt-verification
 *   params: {name: "${domain.txtName}", value: "${domain.txtValue}"}
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
@Extension
public final class CloudflareTxtVerificationType implements ResourceType<TxtVerificationSpec, TxtVerificationOutputs> {

  private static final Duration MAX_INTERVAL = Duration.ofSeconds(30);

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

  @Override
  public CreateResult<TxtVerificationOutputs> create(TxtVerificationSpec spec, StepContext ctx) {
    CloudflareApi api = api(ctx);
    CreateResult.Origin origin = CreateResult.Origin.ADOPTED;
    String preferred = null;
    if (spec.managed()) {
      CreateResult<ApiRecord> made = Records.ensure(api, desired(spec), ctx);
      origin = made.origin();
      preferred = made.outputs().id();
    }
    ApiRecord seen = awaitVisible(api, spec, preferred, ctx);
    return new CreateResult<>(new TxtVerificationOutputs(spec.name(), spec.value(), seen.id(), spec.managed()), origin);
  }

  @Override
  public Optional<TxtVerificationOutputs> read(TxtVerificationSpec spec, TxtVerificationOutputs outputs, StepContext ctx) {
    CloudflareApi api = api(ctx);
    Optional<ApiRecord> r;
    if (spec.managed()) {
      r = outputs != null && outputs.recordId() != null
          ? Records.read(api, outputs.recordId(), ctx)
          : Records.find(api, desired(spec), ctx);
    } else {
      r = visible(api, spec, null);
    }
    return r.map(x -> new TxtVerificationOutputs(spec.name(), spec.value(), x.id(), spec.managed()));
  }

  @Override
  public void delete(TxtVerificationSpec spec, TxtVerificationOutputs outputs, StepContext ctx) {
    if (outputs.managed() && outputs.recordId() != null) {
      Records.delete(api(ctx), outputs.recordId(), ctx);
    }
  }

  private static ApiRecord awaitVisible(CloudflareApi api, TxtVerificationSpec spec, String preferred, StepContext ctx) {
    Instant giveUp = ctx.clock().instant().plus(spec.timeoutDuration());
    Duration wait = spec.intervalDuration();
    for (int look = 1; ; look++) {
      Optional<ApiRecord> found = visible(api, spec, preferred);
      if (found.isPresent()) {
        ctx.progress().report(100, "TXT record " + spec.name() + " is visible");
        return found.get();
      }
      if (!ctx.clock().instant().plus(wait).isBefore(giveUp)) {
        throw new PermanentException("cloudflare: no TXT record " + spec.name() + " holding \"" + spec.value()
            + "\" became visible within " + spec.timeoutDuration().toSeconds() + " s (" + look + " looks)"
            + (spec.managed() ? "" : ": create it in the zone, then retry"));
      }
      ctx.progress().report(Math.min(90, 10 + look * 5), "waiting for TXT record " + spec.name());
      ctx.pause(wait);
      wait = wait.multipliedBy(2).compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : wait.multipliedBy(2);
    }
  }

  private static Optional<ApiRecord> visible(CloudflareApi api, TxtVerificationSpec spec, String preferred) {
    Optional<ApiRecord> any = Optional.empty();
    for (ApiRecord r : api.list("TXT", spec.name())) {
      if (r.plainContent().equals(ApiRecord.unquote(spec.value()))) {
        if (r.id().equals(preferred)) {
          return Optional.of(r);
        }
        any = any.isPresent() ? any : Optional.of(r);
      }
    }
    return any;
  }

  private static Records.Desired desired(TxtVerificationSpec spec) {
    return new Records.Desired("TXT", spec.name(), spec.value(), null, 1);
  }

  private static CloudflareApi api(StepContext ctx) {
    return CloudflareApi.of(ctx.config(CloudflareConfig.class));
  }
}
