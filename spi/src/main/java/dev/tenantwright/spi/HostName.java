package dev.tenantwright.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a spec field that holds a DNS name the resource makes answer for a tenant — a route's host, a DNS
 * record's name, a custom domain. The field is a {@code String} or a collection of them.
 *
 * <p>Before any step calls its backend, the engine registers every such name to the tenant's environment in the
 * journal, unique across all tenants, and refuses the step when the name belongs to someone else, sits on a
 * reserved label (an {@code _acme-challenge} record, a wildcard, a platform domain's apex, a name the host
 * reserved), or is a custom domain the tenant has not proved it owns. A plugin therefore never has to decide
 * who may use a name: it only says which fields are names.
 *
 * <pre>{@code
 * public record RouteSpec(@HostName List<String> hosts, String service) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface HostName {}
