/** The small Spring Boot application the starter's tests run: beans a host would define. Test code. */
package dev.tenantwright.spring.demo;
