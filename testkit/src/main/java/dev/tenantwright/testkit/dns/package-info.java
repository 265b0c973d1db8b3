/**
 * {@link dev.tenantwright.testkit.dns.DnsFake}: an in-process DNS server over UDP and TCP for tests of code that
 * resolves names (TXT ownership checks, CNAME and address checks), answering from planted records.
 *
 * <p>Public test-kit API; it evolves with the project's minor versions.
 */
package dev.tenantwright.testkit.dns;
