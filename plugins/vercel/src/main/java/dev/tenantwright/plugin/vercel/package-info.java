/**
 * The Vercel backend: {@code vercel.project}, {@code vercel.env}, {@code vercel.deployment} (created and polled
 * until READY) and {@code vercel.domain}, each owned through a Tenantwright ownership marker kept where the
 * Vercel API stores and returns it.
 *
 * <p>Public plugin API: the spec, output and configuration records are what blueprints and hosts bind to;
 * they evolve with the SPI's minor versions.
 */
package dev.tenantwright.plugin.vercel;
