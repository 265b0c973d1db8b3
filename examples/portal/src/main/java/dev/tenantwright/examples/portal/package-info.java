/**
 * The portal: a small web host app that embeds Tenantwright — a sign-up form, a provisioning page with live
 * progress over server-sent events, retry of a failed run, and a status endpoint per environment. Example
 * code, not API.
 */
package dev.tenantwright.examples.portal;
