/**
 * The Vercel backend: {@code vercel.project}, {@code vercel.env}, {@code vercel.deployment} (built, polled until
 * READY and serving, and redeployed without taking the site down), {@code vercel.domain} and
 * {@code vercel.domain-check}, each owned through a Tenantwright ownership marker kept where the Vercel API
 * stores and returns it in clear.
 *
 * <p>Public plugin API: the spec, output and configuration records are what blueprints and hosts bind to;
 * they evolve with the SPI's minor versions.
 */
package dev.tenantwright.plugin.vercel;
