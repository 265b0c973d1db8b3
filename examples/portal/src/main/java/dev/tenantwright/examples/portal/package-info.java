/**
 * The portal: a small web host app that embeds Tenantwright — a sign-up form, sign-in by a mailed single-use
 * link, a provisioning page per tenant (at a random page id, for its own tenant's session only) with live
 * progress over server-sent events, retry of a failed run, and a status endpoint per environment. Example
 * code, not API.
 */
package dev.tenantwright.examples.portal;
