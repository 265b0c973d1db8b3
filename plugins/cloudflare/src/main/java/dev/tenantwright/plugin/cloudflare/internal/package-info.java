/**
 * The Cloudflare plugin's internals: the API client (zones and DNS records), which zone a record goes to and which
 * names are refused, the record-converging logic both resource types share, the DNS resolution behind visibility
 * checks (dnsjava, shaded into the plugin's jar), and how ownership markers fit into Cloudflare's 100-character
 * comments. Not API.
 */
package dev.tenantwright.plugin.cloudflare.internal;
