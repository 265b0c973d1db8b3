/**
 * {@link dev.tenantwright.testkit.tls.TlsFake}: an in-process TLS server with its own test CA, for tests of code that
 * checks certificates (the core {@code tls.certificate} type and the blueprints that end with it).
 *
 * <p>Public test-kit API; it evolves with the project's minor versions.
 */
package dev.tenantwright.testkit.tls;
