/**
 * The process runner that executes plugin commands from argv lists, with timeouts, tree kills and redacted
 * output capture. Internal, not API.
 */
package dev.tenantwright.core.internal.commands;
