/**
 * Implementation of the test kit: routing, dispatch through WireMock, fault bookkeeping, OpenAPI document
 * reduction and validation.
 *
 * <p>Not API: anything here may change or disappear in any release; use the types in
 * {@code dev.tenantwright.testkit}.
 */
package dev.tenantwright.testkit.internal;
