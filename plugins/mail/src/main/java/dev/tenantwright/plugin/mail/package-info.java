/**
 * The mail backend: {@code mail.message}, one message sent through an SMTP server (Eclipse Angus Mail), at most once
 * per step and run, with {@code ${secret:NAME}} placeholders filled only on the wire.
 *
 * <p>Public plugin API: the spec, output and configuration records are what blueprints and hosts bind to; they
 * evolve with the SPI's minor versions.
 */
package dev.tenantwright.plugin.mail;
