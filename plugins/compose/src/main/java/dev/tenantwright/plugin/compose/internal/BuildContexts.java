package dev.tenantwright.plugin.compose.internal;

import dev.tenantwright.plugin.compose.ComposeConfig;
import dev.tenantwright.plugin.compose.ProjectSpec.Build;
import dev.tenantwright.spi.PermanentException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a service's {@code build.context} may point (security finding SEC10): a folder confined to the
 * plugin's {@code buildRoot} (or to the site's own folder), or a git repository on an allowed host.
 *
 * <p>The spec already refused absolute paths and {@code ..}; this class resolves the folder against its root,
 * follows symbolic links and refuses one that leaves the root, so a theme parameter such as
 * {@code ../../acme-live-site} or a planted link never streams another tenant's folder (with its {@code .env})
 * or the host's file system to the builder. Stateless.
 */
public final class BuildContexts {

  private BuildContexts() {}

  /** The context to write into the compose file: the git URL, or the folder as an absolute path. */
  public static String resolve(String project, Build build, ComposeConfig config) {
    String context = build.context();
    if (context.contains("://")) {
      String host = URI.create(context).getHost();
      if (!config.gitHosts().contains(host)) {
        throw invalid("git host " + host + " is not one the plugin's gitHosts allow " + config.gitHosts());
      }
      return context;
    }
    Path root = (config.buildRoot() != null ? Path.of(config.buildRoot()) : config.root().resolve(project))
        .toAbsolutePath().normalize();
    Path target = root.resolve(context).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw invalid(context + " is not a folder below " + root);
    }
    Path existing = target;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && Files.exists(root)) {
      try {
        Path real = existing.toRealPath();
        Path realRoot = root.toRealPath();
        if (!real.startsWith(realRoot) || (existing.equals(target) && real.equals(realRoot))) {
          throw invalid(context + " leads out of " + root + " (through a symbolic link, to " + real + ")");
        }
      } catch (IOException e) {
        throw invalid("cannot resolve " + target + ": " + e.getMessage());
      }
    }
    return target.toString();
  }

  private static PermanentException invalid(String why) {
    return new PermanentException("compose.project spec, field 'build.context': " + why);
  }
}
