/**
 * The Frappe backend: the {@code frappe.site} resource type (one ERP site per signup, made with
 * {@code bench new-site}, with apps, a first user, API keys, site config and a baseline backup for reset)
 * and its configuration record.
 *
 * <p>Public plugin API: the spec, output and configuration records are what blueprints and host configuration
 * bind to; they change only with the plugin's minor versions. How {@code bench} is reached (locally, in a
 * container, over ssh) and how its output is read lives in {@code .internal}.
 */
package dev.tenantwright.plugin.frappe;
