package dev.tenantwright.core;

import java.util.List;
import java.util.Optional;

/** Finds runs. Obtained from {@link Tenantwright#runs()}; thread-safe. */
public interface Runs {

  Optional<Run> find(String runId);

  /** @throws NotFoundException when there is no such run */
  Run get(String runId);

  /** The runs of one environment, oldest first. */
  List<Run> list(String tenantId, String environment);
}
