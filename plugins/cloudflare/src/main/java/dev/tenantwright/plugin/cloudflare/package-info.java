/**
 * The Cloudflare DNS backend: {@code cloudflare.dns-record} (A, AAAA, CNAME and TXT records, in any zone the
 * configuration allows, marked with their owner in the record's comment) and {@code cloudflare.txt-verification}
 * (a TXT record that proves ownership of a domain, waited for until DNS answers it).
 *
 * <p>Public plugin API: the spec, output and configuration records are what blueprints and hosts bind to;
 * they evolve with the SPI's minor versions.
 */
package dev.tenantwright.plugin.cloudflare;
