package dev.tenantwright.plugin.compose;

import dev.tenantwright.plugin.compose.ProjectSpec.Healthcheck;
import dev.tenantwright.plugin.compose.ProjectSpec.Port;
import dev.tenantwright.plugin.compose.ProjectSpec.Route;
import dev.tenantwright.plugin.compose.ProjectSpec.Service;
import dev.tenantwright.spi.Secret;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Specs the tests share: a two-service website (web server + worker) from the busybox test image. */
final class Specs {

  static final String IMAGE = System.getenv().getOrDefault("TW_IT_DOCKER_IMAGE", "local/busybox:1");
  static final Secret DB_PASSWORD = Secret.of("s3cr3t-db-password-0123456789ab");
  static final Secret APP_KEY = Secret.of("app-key-0123456789abcdef0123456789abcdef0123456789abcdef01234567");

  private Specs() {}

  /** The web server: serves /www on 8080, published on an ephemeral 127.0.0.1 port, routed by Traefik. */
  static Service web(Map<String, String> environment) {
    return new Service(IMAGE, null, null, environment, List.of("DB_PASSWORD", "APP_KEY"),
        List.of(new Port(8080, null, null, null)),
        new Healthcheck(List.of("wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"), "1s", "2s", 20, null),
        "64m", "0.5", Map.of("content", "/www/uploads"),
        new Route("shop.acme.example", null, 8080, null, null, null), null, null, "2s", null);
  }

  /** A worker that sleeps; starts after the web server is healthy. */
  static Service worker() {
    return worker("worker");
  }

  static Service worker(String role) {
    return new Service(IMAGE, null, List.of("sleep", "3600"), Map.of("ROLE", role), List.of("DB_PASSWORD"),
        null, null, "32m", null, null, null, null, List.of("web"), "1s", null);
  }

  static ProjectSpec website(String revision) {
    return website(revision, Map.of("GREETING", "hello $USER"));
  }

  static ProjectSpec website(String revision, Map<String, String> webEnv) {
    return website(revision, webEnv, "worker");
  }

  static ProjectSpec website(String revision, Map<String, String> webEnv, String workerRole) {
    Map<String, Service> services = new LinkedHashMap<>();
    services.put("web", web(webEnv));
    services.put("worker", worker(workerRole));
    Map<String, Secret> secrets = new LinkedHashMap<>();
    secrets.put("DB_PASSWORD", DB_PASSWORD);
    secrets.put("APP_KEY", APP_KEY);
    return new ProjectSpec(services, secrets, revision);
  }

  static Service service(String image) {
    return new Service(image, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }
}
