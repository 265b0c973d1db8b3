package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import java.util.Set;

/**
 * One step of a planned run.
 *
 * @param name the resource name
 * @param type the resource type
 * @param action what the step does
 * @param reason why, for the dry-run listing
 * @param waitsFor steps that must finish first: dependencies for forward actions, dependents for deletes
 * @param definition the blueprint definition, or null for a recorded resource no longer in the blueprint
 * @param recorded the journal's row for the resource, or null when it does not exist yet
 * @param specHash the keyed hash of the spec as planned (recorded after success)
 */
public record PlannedStep(
    String name,
    String type,
    StepAction action,
    String reason,
    Set<String> waitsFor,
    ResourceDefinition definition,
    ResourceRecord recorded,
    String specHash) {}
