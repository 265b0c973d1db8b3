package dev.tenantwright.testkit.compose.internal;

import dev.tenantwright.testkit.compose.DockerComposeFake.ContainerView;
import dev.tenantwright.testkit.compose.DockerComposeFake.Publisher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One container as the fake's daemon holds it. */
public final class ContainerState {
  /** The container id. */
  public final String id;
  /** {@code <project>-<service>-1}. */
  public final String name;
  /** The service. */
  public final String service;
  /** The image name. */
  public final String image;
  /** The local image id the container was created from. */
  public String imageId = "";
  /** The build context the image was built from, or null for a pulled image. */
  public String builtFrom;
  /** {@code created}, {@code running} or {@code exited}. */
  public String state = "created";
  /** {@code healthy}, {@code unhealthy}, {@code starting} or empty. */
  public String health = "";
  /** The exit code of an exited container. */
  public int exitCode;
  /** The hash of the service definition it was created from. */
  public String configHash = "";
  /** 1 for the first container of the service, +1 on every recreation. */
  public int generation = 1;
  /** Every label. */
  public final Map<String, String> labels = new TreeMap<>();
  /** The environment after interpolation. */
  public final Map<String, String> environment = new TreeMap<>();
  /** The command after interpolation, or null for the image's. */
  public List<String> command;
  /** Requested ports. */
  public final List<Publisher> ports = new ArrayList<>();
  /** Published ports. */
  public final List<Publisher> publishers = new ArrayList<>();
  /** Host ports kept from the container this one replaced, by target port. */
  public final Map<Integer, Integer> reused = new LinkedHashMap<>();
  /** Mounted named volumes. */
  public final List<String> mounts = new ArrayList<>();
  /** Joined networks. */
  public final List<String> networks = new ArrayList<>();

  /** A container of {@code service} named {@code name} running {@code image}. */
  public ContainerState(String id, String name, String service, String image) {
    this.id = id;
    this.name = name;
    this.service = service;
    this.image = image;
  }

  /** The read-only view tests inspect. */
  public ContainerView view() {
    return new ContainerView(id, name, service, image, state, health, Map.copyOf(labels), Map.copyOf(environment),
        List.copyOf(publishers), List.copyOf(mounts), List.copyOf(networks), generation,
        command == null ? null : List.copyOf(command), builtFrom);
  }
}
