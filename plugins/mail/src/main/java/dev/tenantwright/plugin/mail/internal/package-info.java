/**
 * The mail plugin's internals: templates, address checks, the SMTP transport that holds back the end of data, TLS
 * trust and the classification of SMTP failures. Not API.
 */
package dev.tenantwright.plugin.mail.internal;
