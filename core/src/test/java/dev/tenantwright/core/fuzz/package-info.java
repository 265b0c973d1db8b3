/**
 * The fuzz suite: generated bad input — company names, e-mails, requested slugs, plans, attributes, test
 * instance names, run options and mutated blueprint YAML — against the public API on H2 and PostgreSQL. Every
 * case either succeeds as asked or is refused with a public {@code TenantwrightException} subtype naming the
 * field, and a refused call creates nothing. {@code FoundByFuzzTest} keeps the smallest input of each failure
 * found.
 *
 * <p>The small form (10,000 cases) runs with the build: {@code mvn -pl core test -Dtest='*FuzzTest'}. The full
 * form: {@code mvn -pl core test -Dtest='*FuzzTest' -Dfuzz.cases=100000}. Every test prints its seed; replay one
 * with {@code -Dfuzz.seed=N}.
 */
package dev.tenantwright.core.fuzz;
