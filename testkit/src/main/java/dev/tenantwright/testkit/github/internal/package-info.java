/**
 * The GitHub fake's internals: the state it keeps, how it renders GitHub's JSON and how it delivers webhooks. Not
 * API.
 */
package dev.tenantwright.testkit.github.internal;
