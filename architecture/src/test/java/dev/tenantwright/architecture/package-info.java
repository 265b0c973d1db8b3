/** Architecture rules checked over the compiled classes of every module of the repository. */
package dev.tenantwright.architecture;
