/** The quickstart CLI: an example host app on the embedded defaults. Example code, not API. */
package dev.tenantwright.examples.quickstart;
