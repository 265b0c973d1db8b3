package dev.tenantwright.testkit.compose.internal;

import java.nio.file.Path;
import java.util.List;

/** One resolved {@code docker compose} call: its project, directory, files, model and load-time warnings. */
public final class Invocation {
  /** The project name. */
  public String project;
  /** The project directory. */
  public Path projectDir;
  /** The compose files read (absolute). */
  public List<Path> files = List.of();
  /** The interpolated model, or null when no file was found (by-name calls). */
  public Model model;
  /** Warnings printed while loading (unset variables). */
  public String warnings = "";

  /** The model; a call that needs one without a file fails as Compose does. */
  public Model requireModel() {
    if (model == null) {
      throw new ComposeError(1, "", "no configuration file provided: not found");
    }
    return model;
  }

  /** The file names, as Compose records them in {@code com.docker.compose.project.config_files}. */
  public List<String> fileNames() {
    return files.stream().map(Path::toString).toList();
  }
}
