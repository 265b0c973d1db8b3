/**
 * The {@code tenantwright} command: an operator's client of a Tenantwright server. {@link
 * dev.tenantwright.cli.TenantwrightCli} is the entry and its exit codes are stable; the commands' text output is for
 * people and may change ({@code --json} prints the server's JSON for scripts).
 */
package dev.tenantwright.cli;
