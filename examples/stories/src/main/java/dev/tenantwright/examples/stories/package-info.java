/**
 * The user stories of {@code examples/blueprints}, each runnable against the test kit's fakes inside one process
 * (the sandbox), for the quickstart CLI's {@code story} command and the portal. Example code, not API.
 */
package dev.tenantwright.examples.stories;
