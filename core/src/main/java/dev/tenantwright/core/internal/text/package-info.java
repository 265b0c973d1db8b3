/** Checks for text that comes from outside. Internal, not API. */
package dev.tenantwright.core.internal.text;
