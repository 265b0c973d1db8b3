/**
 * Faults at the journal: a {@link dev.tenantwright.testkit.journal.FaultyDataSource} that fails chosen
 * statements, commits or connection checkouts with the SQL states real databases send, or freezes like a
 * crashed process — for testing that no journal failure strands a run. Stable API of the test kit.
 */
package dev.tenantwright.testkit.journal;
