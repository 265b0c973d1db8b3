package dev.tenantwright.testkit.compose.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What the fake's daemon holds for one project: containers by service, volumes, networks. */
public final class ProjectState {
  /** The project name. */
  public final String name;
  /** The working directory recorded in Compose's labels. */
  public Path workingDir;
  /** The config files recorded in Compose's labels. */
  public List<String> configFiles = List.of();
  /** Containers by service. */
  public final Map<String, ContainerState> containers = new TreeMap<>();
  /** Volume names. */
  public final Set<String> volumes = new TreeSet<>();
  /** Network names. */
  public final Set<String> networks = new TreeSet<>();

  /** An empty project. */
  public ProjectState(String name) {
    this.name = name;
  }

  /** Whether nothing is left. */
  public boolean isEmpty() {
    return containers.isEmpty() && volumes.isEmpty() && networks.isEmpty();
  }
}
