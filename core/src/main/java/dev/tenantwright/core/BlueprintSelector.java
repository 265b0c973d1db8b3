package dev.tenantwright.core;

import dev.tenantwright.spi.EnvironmentKind;
import java.util.Optional;

/**
 * Chooses a new environment's blueprint and parameters from the tenant — its plan and attributes such as
 * industry or site type — so each customer gets the right templates and work instructions.
 *
 * <pre>{@code
 * BlueprintSelector byIndustry = (tenant, kind) -> switch (tenant.attributes().getOrDefault("industry", "")) {
 *   case "manufacturing" -> Optional.of(BlueprintChoice.of("erp").parameter("modules", "mrp,quality"));
 *   case "retail" -> Optional.of(BlueprintChoice.of("shop"));
 *   default -> Optional.empty();   // fall back to the default blueprint
 * };
 * }</pre>
 */
@FunctionalInterface
public interface BlueprintSelector {

  /** The blueprint (and parameters) for this tenant's new environment of this kind, or empty for the default. */
  Optional<BlueprintChoice> select(Tenant tenant, EnvironmentKind kind);
}
