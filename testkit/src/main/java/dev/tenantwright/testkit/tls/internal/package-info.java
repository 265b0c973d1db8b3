/**
 * Internals of the TLS fake: the test certificate authority that makes its certificates with the JDK's
 * {@code keytool}. Not API: use {@link dev.tenantwright.testkit.tls.TlsFake}.
 */
package dev.tenantwright.testkit.tls.internal;
