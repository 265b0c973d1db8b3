package dev.tenantwright.plugin.vercel;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.Nullable;

/**
 * What a {@code vercel.project} should be. Validated on construction.
 *
 * @param name the project name; default the resource's deterministic name ({@code <tenant>-<environment>-<resource>}).
 *     At most 100 lowercase letters, digits, {@code .}, {@code _} and {@code -}, no {@code ---}
 * @param framework Vercel's framework preset, e.g. {@code nextjs}; default auto-detection
 * @param buildCommand the build command; default the framework's
 * @param installCommand the install command; default the framework's
 * @param outputDirectory the build output directory; default the framework's
 * @param rootDirectory the directory of the app inside the repository or upload; default the root
 */
public record ProjectSpec(
    @Nullable String name,
    @Nullable String framework,
    @Nullable String buildCommand,
    @Nullable String installCommand,
    @Nullable String outputDirectory,
    @Nullable String rootDirectory) {

  /** Validates the name when one is given. */
  public ProjectSpec {
    if (name != null) {
      Names.vercelProject("name", name);
    }
  }
}
