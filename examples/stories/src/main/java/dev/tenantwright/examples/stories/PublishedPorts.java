package dev.tenantwright.examples.stories;

import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.testkit.compose.DockerComposeFake;
import dev.tenantwright.testkit.compose.DockerComposeFake.ContainerView;
import dev.tenantwright.testkit.compose.DockerComposeFake.Publisher;
import dev.tenantwright.testkit.traefik.TraefikFake;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Docker host does beside Compose, for the sandbox: every port a running container of the
 * {@link DockerComposeFake} publishes answers HTTP on 127.0.0.1 (a short text naming the container), and every
 * service a container's Traefik labels declare becomes known to the {@link TraefikFake}'s docker provider, so file
 * routes may point at it.
 *
 * <p>{@link #follow} runs after every Compose invocation (on the fake's monitor); it starts and stops servers to
 * match the containers. Thread-safe.
 */
final class PublishedPorts implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PublishedPorts.class);
  private static final String SERVICE_LABEL = "traefik.http.services.";

  private final Map<Integer, HttpServer> servers = new HashMap<>();
  /** What each port answers now: a container recreated on the same port (a redeploy) answers anew. */
  private final Map<Integer, String> answers = new ConcurrentHashMap<>();

  /** Matches the servers (and Traefik's docker services) to the containers Compose runs now. */
  synchronized void follow(DockerComposeFake compose, TraefikFake traefik) {
    Map<Integer, String> wanted = new HashMap<>();
    for (String project : compose.projects()) {
      for (ContainerView c : compose.containers(project).values()) {
        if (!"running".equals(c.state())) {
          continue;
        }
        for (Publisher p : c.publishers()) {
          if (p.publishedPort() > 0 && "tcp".equals(p.protocol())) {
            wanted.put(p.publishedPort(), "sandbox: container " + c.name() + " (image " + c.image() + ", revision "
                + c.labels().getOrDefault("dev.tenantwright.revision", "-") + ")\n");
          }
        }
        if (traefik != null) {
          c.labels().keySet().stream().filter(k -> k.startsWith(SERVICE_LABEL))
              .map(k -> k.substring(SERVICE_LABEL.length()))
              .filter(rest -> rest.indexOf('.') > 0)
              .forEach(rest -> traefik.knownService(rest.substring(0, rest.indexOf('.')) + "@docker"));
        }
      }
    }
    servers.entrySet().removeIf(e -> {
      if (wanted.containsKey(e.getKey())) {
        return false;
      }
      e.getValue().stop(0);
      answers.remove(e.getKey());
      return true;
    });
    wanted.forEach((port, text) -> {
      answers.put(port, text);
      if (!servers.containsKey(port)) {
        try {
          servers.put(port, Sandbox.serve(port, () -> answers.getOrDefault(port, "")));
        } catch (UncheckedIOException e) {
          LOG.info("sandbox: port {} published by Compose is taken on this machine: {}", port, e.getMessage());
        }
      }
    });
  }

  @Override
  public synchronized void close() {
    servers.values().forEach(s -> s.stop(0));
    servers.clear();
  }
}
