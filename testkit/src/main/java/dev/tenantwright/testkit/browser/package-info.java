/**
 * {@link dev.tenantwright.testkit.browser.HeadlessChromium}: Debian's headless Chromium driven over the DevTools
 * protocol, for tests that check a web page as a person sees and uses it — no driver binary, no browser download.
 *
 * <p>Public test-kit API; it evolves with the project's minor versions.
 */
package dev.tenantwright.testkit.browser;
