/**
 * A stateful fake of GitHub's REST API (repositories from templates, topics, branches, webhooks) that also delivers
 * signed webhooks, validated against GitHub's published documents. Public test kit API, evolving with the SPI's
 * minor versions.
 */
package dev.tenantwright.testkit.github;
