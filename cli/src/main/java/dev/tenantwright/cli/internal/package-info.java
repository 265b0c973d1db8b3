/**
 * How the {@code tenantwright} command talks to a server and shows what it answers: the HTTP client, the event
 * stream reader that resumes a dropped stream, and the text renderings. Not API: it changes with the commands.
 */
package dev.tenantwright.cli.internal;
