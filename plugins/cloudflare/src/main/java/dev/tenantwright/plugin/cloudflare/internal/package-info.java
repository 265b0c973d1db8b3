/**
 * The Cloudflare plugin's internals: the DNS records API client, the record-converging logic both resource
 * types share, and how ownership markers fit into Cloudflare's 100-character comments. Not API.
 */
package dev.tenantwright.plugin.cloudflare.internal;
