package dev.tenantwright.core;

/**
 * The DNS record a customer publishes to prove it owns a domain.
 *
 * @param domain the domain to prove
 * @param recordName the name of the record, {@code _tenantwright-challenge.<domain>}
 * @param recordType always {@code TXT}
 * @param value the record's text, bound to the tenant
 */
public record DomainChallenge(String domain, String recordName, String recordType, String value) {}
