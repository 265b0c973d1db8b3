package dev.tenantwright.core.internal.blueprint;

import java.util.Objects;

/**
 * One {@code ${...}} expression found in a blueprint parameter, parsed.
 *
 * <p>What {@code name} and {@code field} hold depends on the namespace:
 * <table>
 *   <caption>reference parts per namespace</caption>
 *   <tr><th>expression</th><th>namespace</th><th>name</th><th>field</th></tr>
 *   <tr><td>{@code ${tenant.email}}</td><td>{@link Namespace#TENANT}</td><td>{@code tenant}</td>
 *       <td>{@code email}</td></tr>
 *   <tr><td>{@code ${tenant.attributes.industry}}</td><td>{@link Namespace#TENANT}</td><td>{@code tenant}</td>
 *       <td>{@code attributes.industry}</td></tr>
 *   <tr><td>{@code ${env.kind}}</td><td>{@link Namespace#ENV}</td><td>{@code env}</td><td>{@code kind}</td></tr>
 *   <tr><td>{@code ${vars.image}}</td><td>{@link Namespace#VARS}</td><td>{@code image}</td><td>null</td></tr>
 *   <tr><td>{@code ${secrets.db-password}}</td><td>{@link Namespace#SECRETS}</td><td>{@code db-password}</td>
 *       <td>null</td></tr>
 *   <tr><td>{@code ${port.port}}</td><td>{@link Namespace#OUTPUT}</td><td>{@code port} (the resource)</td>
 *       <td>{@code port} (its output field)</td></tr>
 * </table>
 * Immutable value.
 *
 * @param namespace what the expression refers to
 * @param name the tenant/env marker, var name, secret name or resource name
 * @param field the tenant/env field or the output field; null for vars and secrets
 */
public record Reference(Namespace namespace, String name, String field) {

  /** What an expression refers to. */
  public enum Namespace {
    /** A tenant field: {@code id}, {@code name}, {@code email}, {@code plan} or {@code attributes.KEY}. */
    TENANT,
    /** An environment field: {@code name} or {@code kind}. */
    ENV,
    /** A blueprint variable, with its default or the value supplied at provision time. */
    VARS,
    /** A secret: the output of a {@code secret} resource of that name, or one the host provides. */
    SECRETS,
    /** An output field of another resource; a dependency edge. */
    OUTPUT
  }

  /** Validates presence. */
  public Reference {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /** A reference to a tenant field, e.g. {@code email} or {@code attributes.industry}. */
  public static Reference tenant(String field) {
    return new Reference(Namespace.TENANT, "tenant", Objects.requireNonNull(field, "field"));
  }

  /** A reference to an environment field, {@code name} or {@code kind}. */
  public static Reference env(String field) {
    return new Reference(Namespace.ENV, "env", Objects.requireNonNull(field, "field"));
  }

  /** A reference to a blueprint variable. */
  public static Reference var(String name) {
    return new Reference(Namespace.VARS, name, null);
  }

  /** A reference to a secret. */
  public static Reference secret(String name) {
    return new Reference(Namespace.SECRETS, name, null);
  }

  /** A reference to an output field of another resource. */
  public static Reference output(String resource, String field) {
    return new Reference(Namespace.OUTPUT, resource, Objects.requireNonNull(field, "field"));
  }

  /** The expression as a blueprint writes it, e.g. {@code ${vars.image}}; used in error messages. */
  public String expression() {
    return switch (namespace) {
      case TENANT -> "${tenant." + field + "}";
      case ENV -> "${env." + field + "}";
      case VARS -> "${vars." + name + "}";
      case SECRETS -> "${secrets." + name + "}";
      case OUTPUT -> "${" + name + "." + field + "}";
    };
  }

  /** Returns {@link #expression()}. */
  @Override
  public String toString() {
    return expression();
  }
}
