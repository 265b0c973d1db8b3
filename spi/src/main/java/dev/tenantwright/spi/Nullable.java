package dev.tenantwright.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a spec or parameter record component that a blueprint may leave out; it is then bound as null
 * (the record's compact constructor may substitute a default).
 *
 * <p>Every component without it is required: a blueprint that omits it is refused at load with an error
 * naming the file, the resource and the field.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Nullable {}
