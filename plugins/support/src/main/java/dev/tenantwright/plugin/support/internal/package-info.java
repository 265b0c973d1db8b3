/**
 * Implementation of plugin support: the shared OkHttp client, error classification, request logging and
 * the standard error decoder. Not API: plugins use the types of the parent package only.
 */
package dev.tenantwright.plugin.support.internal;
