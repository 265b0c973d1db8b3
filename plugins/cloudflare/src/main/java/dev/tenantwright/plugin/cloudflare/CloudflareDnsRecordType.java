package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.plugin.cloudflare.internal.ApiRecord;
import dev.tenantwright.plugin.cloudflare.internal.CloudflareApi;
import dev.tenantwright.plugin.cloudflare.internal.Records;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * {@code cloudflare.dns-record}: one A, AAAA, CNAME or TXT record in the configured zone, owned through the
 * ownership marker kept in the record's comment.
 *
 * <p>create looks the record up by type and name: one whose comment is this resource's marker is converged
 * (content, proxying and TTL patched) and reported CREATED when this step made it, ADOPTED when an earlier run
 * did; a foreign record that is identical, or that holds the name for A/AAAA/CNAME, is a
 * {@link dev.tenantwright.spi.PermanentException} naming it, as are Cloudflare's 81053/81054 conflicts.
 * delete removes only the recorded id, treats 404/81044 as gone, and refuses a record whose comment is no
 * longer ours. update patches the record in place, or replaces it when the type or name changed.
 *
 * <pre>{@code
 * dns:
 *   type: cloudflare.dns-record
 *   params: {type: CNAME, name: "${vars.domain}", content: cname.vercel-dns.com, proxied: false}
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
@Extension
public final class CloudflareDnsRecordType
    implements ResourceType<DnsRecordSpec, DnsRecordOutputs>, Updatable<DnsRecordSpec, DnsRecordOutputs> {

  @Override
  public String type() {
    return "cloudflare.dns-record";
  }

  @Override
  public Class<DnsRecordSpec> specType() {
    return DnsRecordSpec.class;
  }

  @Override
  public Class<DnsRecordOutputs> outputType() {
    return DnsRecordOutputs.class;
  }

  @Override
  public CreateResult<DnsRecordOutputs> create(DnsRecordSpec spec, StepContext ctx) {
    CreateResult<ApiRecord> r = Records.ensure(api(ctx), desired(spec), ctx);
    return new CreateResult<>(outputs(r.outputs()), r.origin());
  }

  @Override
  public Optional<DnsRecordOutputs> read(DnsRecordSpec spec, DnsRecordOutputs outputs, StepContext ctx) {
    CloudflareApi api = api(ctx);
    Optional<ApiRecord> r = outputs != null ? Records.read(api, outputs.id(), ctx) : Records.find(api, desired(spec), ctx);
    return r.map(CloudflareDnsRecordType::outputs);
  }

  @Override
  public DnsRecordOutputs update(DnsRecordSpec spec, DnsRecordSpec previous, DnsRecordOutputs outputs, StepContext ctx) {
    CloudflareApi api = api(ctx);
    Records.Desired want = desired(spec);
    Optional<ApiRecord> current = Records.read(api, outputs.id(), ctx);
    if (current.isPresent() && current.get().type().equals(spec.type()) && current.get().name().equals(spec.name())) {
      return outputs(Records.converge(api, current.get(), want));
    }
    DnsRecordOutputs replacement = outputs(Records.ensure(api, want, ctx).outputs());
    if (current.isPresent()) {
      Records.delete(api, outputs.id(), ctx);
    }
    return replacement;
  }

  @Override
  public void delete(DnsRecordSpec spec, DnsRecordOutputs outputs, StepContext ctx) {
    Records.delete(api(ctx), outputs.id(), ctx);
  }

  static Records.Desired desired(DnsRecordSpec spec) {
    boolean proxiable = !spec.type().equals("TXT");
    return new Records.Desired(spec.type(), spec.name(), spec.content(),
        proxiable ? Boolean.TRUE.equals(spec.proxied()) : null, spec.ttl() == null ? 1 : spec.ttl());
  }

  static DnsRecordOutputs outputs(ApiRecord r) {
    return new DnsRecordOutputs(r.id(), r.type(), r.name(), r.plainContent(), Boolean.TRUE.equals(r.proxied()),
        r.ttl() == null ? 1 : r.ttl());
  }

  private static CloudflareApi api(StepContext ctx) {
    return CloudflareApi.of(ctx.config(CloudflareConfig.class));
  }
}
