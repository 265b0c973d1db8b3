package dev.tenantwright.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an output record component that reports what the backend observes and changes on its own — a health that goes
 * from {@code starting} to {@code healthy}, an address a DHCP server hands out, whether a domain's ownership is
 * verified yet. It is stored, shown and referable like any other output, but a refresh never counts a difference in
 * it as drift, so it neither raises a false alarm nor makes a repair touch the object. Also honoured on the components
 * of records nested in outputs.
 *
 * <p>Leave it off what the object is made of (a DNS record's content, a container that should run): a hand edit of
 * those is exactly the drift a refresh must report. Since SPI 1.3.
 *
 * <pre>{@code
 * public record DomainOutputs(String name, @Observed boolean verified, @Observed @Nullable String txtValue) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface Observed {}
