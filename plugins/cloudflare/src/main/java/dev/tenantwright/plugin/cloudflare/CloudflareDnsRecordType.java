package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.plugin.cloudflare.internal.ApiRecord;
import dev.tenantwright.plugin.cloudflare.internal.Records;
import dev.tenantwright.plugin.cloudflare.internal.Session;
import dev.tenantwright.plugin.cloudflare.internal.ZoneRecords;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * {@code cloudflare.dns-record}: one A, AAAA, CNAME or TXT record in a Cloudflare zone, owned through the
 * ownership marker kept in the record's comment.
 *
 * <p>The zone is the resource's {@code zoneId}, the configured one, or the one found from the name; names outside
 * the allowed zones, {@code _acme-challenge} names, wildcards and zone apexes are refused unless the configuration
 * allows them. create looks the record up by type and name: one whose comment is this resource's marker is
 * converged (content, proxying and TTL patched) and reported CREATED when this step made it, ADOPTED when an
 * earlier run did; a foreign record that is identical, that holds the name for A/AAAA/CNAME, or (unless allowed)
 * a foreign TXT record of the same name, is a {@link dev.tenantwright.spi.PermanentException} naming it, as are
 * Cloudflare's 81053/81054 conflicts. delete removes only the recorded id, treats 404/81044 as gone, and refuses a
 * record whose comment is no longer ours. update patches the record in place; a changed name, zone or type
 * replaces it, deleting the old record first when the two types cannot share a name (CNAME and A/AAAA/CNAME).
 *
 * <pre>{@code
 * dns:
 *   type: cloudflare.dns-record
 *   params: {type: CNAME, name: "${vars.domain}", content: cname.vercel-dns.com, proxied: false}
 * }</pre>
 *
 * <p>Thread-safe; the zones it finds are cached for the life of the instance.
 */
@Extension
public final class CloudflareDnsRecordType
    implements ResourceType<DnsRecordSpec, DnsRecordOutputs>, Updatable<DnsRecordSpec, DnsRecordOutputs> {

  private final Session.Sessions sessions = new Session.Sessions();

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

  /** The {@code cloudflare} section binds to {@link CloudflareConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return CloudflareConfig.class;
  }

  @Override
  public CreateResult<DnsRecordOutputs> create(DnsRecordSpec spec, StepContext ctx) {
    Session s = sessions.of(ctx);
    Session.Target target = s.target("name", spec.name(), spec.zoneId());
    CreateResult<ApiRecord> r = Records.ensure(target.records(), desired(spec), ctx, s.config().sharedTxtAllowed());
    return new CreateResult<>(outputs(r.outputs(), target.zone().id()), r.origin());
  }

  @Override
  public Optional<DnsRecordOutputs> read(DnsRecordSpec spec, DnsRecordOutputs outputs, StepContext ctx) {
    Session s = sessions.of(ctx);
    if (outputs != null) {
      String zoneId = recordedZone(s, spec, outputs);
      return Records.read(s.records(zoneId), outputs.id(), ctx).map(r -> outputs(r, zoneId));
    }
    String zoneId = s.zones().forName("name", spec.name(), spec.zoneId()).id();
    return Records.find(s.records(zoneId), desired(spec), ctx).map(r -> outputs(r, zoneId));
  }

  @Override
  public DnsRecordOutputs update(DnsRecordSpec spec, DnsRecordSpec previous, DnsRecordOutputs outputs, StepContext ctx) {
    Session s = sessions.of(ctx);
    Session.Target target = s.target("name", spec.name(), spec.zoneId());
    String oldZone = recordedZone(s, previous, outputs);
    ZoneRecords old = s.records(oldZone);
    Records.Desired want = desired(spec);
    Optional<ApiRecord> current = Records.read(old, outputs.id(), ctx);
    boolean sameZone = oldZone.equals(target.zone().id());
    boolean shared = s.config().sharedTxtAllowed();
    if (current.isPresent() && sameZone && current.get().name().equals(spec.name())) {
      if (current.get().type().equals(spec.type())) {
        return outputs(Records.converge(old, current.get(), want), oldZone);
      }
      if (Records.exclusive(current.get().type(), spec.type())) {
        // Cloudflare refuses the new record (81053/81054) while the old one holds the name: delete it first.
        Records.delete(old, outputs.id(), ctx);
        return outputs(Records.ensure(target.records(), want, ctx, shared).outputs(), target.zone().id());
      }
    }
    DnsRecordOutputs replacement = outputs(Records.ensure(target.records(), want, ctx, shared).outputs(),
        target.zone().id());
    if (current.isPresent()) {
      Records.delete(old, outputs.id(), ctx);
    }
    return replacement;
  }

  @Override
  public void delete(DnsRecordSpec spec, DnsRecordOutputs outputs, StepContext ctx) {
    Session s = sessions.of(ctx);
    Records.delete(s.records(recordedZone(s, spec, outputs)), outputs.id(), ctx);
  }

  /** The zone the outputs recorded; for outputs of single-zone versions, the zone the spec's name is in. */
  private static String recordedZone(Session s, DnsRecordSpec spec, DnsRecordOutputs outputs) {
    return outputs.zoneId() != null ? outputs.zoneId() : s.zones().forName("name", spec.name(), spec.zoneId()).id();
  }

  static Records.Desired desired(DnsRecordSpec spec) {
    boolean proxiable = !spec.type().equals("TXT");
    return Records.Desired.of(spec.type(), spec.name(), spec.content(),
        proxiable ? Boolean.TRUE.equals(spec.proxied()) : null, spec.ttl());
  }

  static DnsRecordOutputs outputs(ApiRecord r, String zoneId) {
    return new DnsRecordOutputs(r.id(), r.type(), r.name(), r.plainContent(), Boolean.TRUE.equals(r.proxied()),
        r.ttl() == null ? 1 : r.ttl(), zoneId);
  }
}
