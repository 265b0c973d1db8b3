/**
 * The plugin conformance kit: an abstract JUnit 5 test every resource type's test extends. Stable API for
 * plugin vendors.
 */
package dev.tenantwright.testkit.conformance;
