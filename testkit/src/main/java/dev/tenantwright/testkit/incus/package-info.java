/**
 * A stateful fake of the Incus REST API for plugin tests: instances, operations with {@code /wait}, exec
 * with recorded output, snapshots and restore, proxy devices, projects — with Incus's real answer shapes and
 * quirks, validated against a reduced copy of Incus's own REST document.
 *
 * <p>Public test-kit API, evolving with the project's minor versions. Start with
 * {@link dev.tenantwright.testkit.incus.IncusFake}.
 */
package dev.tenantwright.testkit.incus;
