package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.DomainChallenge;
import dev.tenantwright.core.Domains;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.internal.engine.EventBus;
import dev.tenantwright.core.internal.engine.HostNames;
import dev.tenantwright.core.internal.journal.HostNameRegistry;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import dev.tenantwright.core.internal.journal.SecretCipher;
import dev.tenantwright.core.internal.net.DnsTxt;
import dev.tenantwright.spi.TenantwrightException;
import java.time.Clock;
import java.util.List;
import javax.naming.NamingException;

/**
 * Custom-domain ownership by a TXT record: the challenge value is a keyed hash of tenant and domain (nothing to
 * store, and no other tenant can use it), looked up in DNS when the host asks to verify.
 */
final class DefaultDomains implements Domains {

  static final String PREFIX = "_tenantwright-challenge.";

  private final Journal journal;
  private final HostNameRegistry registry;
  private final HostNames hostNames;
  private final SecretCipher cipher;
  private final DnsTxt dns;
  private final EventBus bus;
  private final Clock clock;

  DefaultDomains(Journal journal, HostNameRegistry registry, HostNames hostNames, SecretCipher cipher, DnsTxt dns,
      EventBus bus, Clock clock) {
    this.journal = journal;
    this.registry = registry;
    this.hostNames = hostNames;
    this.cipher = cipher;
    this.dns = dns;
    this.bus = bus;
    this.clock = clock;
  }

  @Override
  public DomainChallenge challenge(String tenantId, String domain) {
    String d = domain(tenantId, domain);
    return new DomainChallenge(d, PREFIX + d, "TXT",
        "tenantwright-verification=" + cipher.hash("domain-challenge\n" + tenantId + "\n" + d).substring(0, 40));
  }

  @Override
  public boolean verify(String tenantId, String domain) {
    DomainChallenge c = challenge(tenantId, domain);
    List<String> found;
    try {
      found = dns.lookup(c.recordName());
    } catch (NamingException e) {
      throw new TenantwrightException("cannot look up " + c.recordName() + " in DNS: " + e.getMessage(), e);
    }
    if (!found.contains(c.value())) {
      return false;
    }
    long now = clock.millis();
    registry.verified(tenantId, c.domain(), now);
    EventRecord ev = new EventRecord(0, null, tenantId, null, null, EventType.DOMAIN_VERIFIED, 0, 0, 100,
        "verified ownership of " + c.domain() + " by its TXT record", null, now);
    journal.commit(journal.batch().event(ev));
    bus.publish(Events.of(ev));
    return true;
  }

  @Override
  public List<String> verified(String tenantId) {
    tenant(tenantId);
    return registry.verifiedDomains(tenantId);
  }

  private String domain(String tenantId, String domain) {
    tenant(tenantId);
    if (domain == null) {
      throw new ValidationException("domain", "is required");
    }
    String d = HostNames.normalise(domain);
    String why = hostNames.refusal(d);
    if (why != null) {
      throw new ValidationException("domain", why);
    }
    if (hostNames.isPlatformName(d)) {
      throw new ValidationException("domain", "'" + d + "' is under a platform domain: it needs no verification");
    }
    return d;
  }

  private void tenant(String tenantId) {
    journal.tenant(tenantId).orElseThrow(() -> new NotFoundException("tenant '" + tenantId + "' does not exist"));
  }
}
