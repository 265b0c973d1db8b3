/**
 * The Vercel plugin's internals: the REST API client, where ownership markers live on projects, variables,
 * deployments and domains, and small parsing helpers. Not API.
 */
package dev.tenantwright.plugin.vercel.internal;
