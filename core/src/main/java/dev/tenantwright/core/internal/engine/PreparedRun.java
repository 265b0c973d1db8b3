package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.journal.Records.TenantRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run planned and ready to start: what {@link RunPlanner} read and decided, for the policy checks and then
 * {@link Engine#start}. The environment's {@code version} is the one the plan was made from; starting is refused
 * (and the caller plans again) when the environment changed since.
 *
 * @param request what was asked
 * @param tenant the tenant
 * @param environment the environment as read, or empty for a new one
 * @param blueprint the blueprint the run uses
 * @param vars the variables for this run (defaults overlaid with carried and supplied values)
 * @param plan the steps
 * @param recorded the environment's resource rows as read, by name
 * @param sourceRows for a promotion: the source environment's rows, by name
 */
public record PreparedRun(
    Engine.StartRequest request,
    TenantRecord tenant,
    Optional<EnvironmentRecord> environment,
    Blueprint blueprint,
    Map<String, Object> vars,
    List<PlannedStep> plan,
    Map<String, ResourceRecord> recorded,
    Map<String, ResourceRecord> sourceRows) {}
