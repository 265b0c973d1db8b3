/**
 * Text grammars core binds in one place, so that a blueprint, a core resource type and a plugin's configuration
 * accept the same spellings: durations ({@link dev.tenantwright.core.internal.text.DurationGrammar}).
 *
 * <p>Not API: the types change without notice.
 */
package dev.tenantwright.core.internal.text;
