package dev.tenantwright.testkit.github.internal;

import java.time.Instant;

/**
 * One commit of a fake repository: its sha, tree, message, author and time, and its parent's sha (null for a
 * root commit). Immutable.
 */
public record Commit(String sha, String treeId, String message, String author, String email, Instant timestamp,
    String parent) {}
