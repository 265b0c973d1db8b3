package dev.tenantwright.plugin.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.compose.ProjectSpec.Healthcheck;
import dev.tenantwright.plugin.compose.ProjectSpec.Route;
import dev.tenantwright.plugin.compose.ProjectSpec.Service;
import dev.tenantwright.plugin.compose.internal.ComposeFile;
import dev.tenantwright.plugin.compose.internal.SiteFolder;
import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant-controlled text in every field of a {@code compose.project} that reaches the compose file or the
 * {@code .env}: each hostile value is either refused with a message naming the field (and, for a secret,
 * not the value), or Compose reads back exactly that value. Subclasses say how Compose is asked — the fake
 * ({@link ComposeHostileInputTest}) or the real {@code docker compose config} ({@link ComposeHostileInputIT}).
 */
abstract class HostileInputCases {

  static final String PROJECT = "acme--demo--site";
  static final String HOST_SECRET = "the-host-process-secret";

  /** Values a sign-up user can type; control characters other than line breaks are refused at the API. */
  static final List<String> HOSTILE = List.of(
      "\\", "x\\", "\\'", "'", "it's", "\"", "\"quoted\"", "$", "$HOST_SECRET", "${HOST_SECRET}", "$${X}",
      "${HOST_SECRET:-fallback}", "${X:?boom}", "${", "$5 off", "a\nb", "line\r\nbreak", "#", " # not a comment",
      "x #y", "=", "DB_PASSWORD=${HOST_SECRET} #", "a,b", "x,dev.tenantwright.owner=tw:victim/live/site@1",
      "web,websecure", "ünïcødé ✓ 日本", "-rf", "--privileged", "export X=1", " spaced ", "", "`id`", "$(id)",
      "\t", "\u2028");

  @TempDir
  Path root;

  /** The interpolated model Compose reads for the site folder, with {@code processEnvironment} inherited. */
  abstract JsonNode config(Path folder, Map<String, String> processEnvironment);

  final ComposeConfig config() {
    return new ComposeConfig(root.resolve("sites").toString(), null, null, null, null, null, null, null, null, null,
        "le", null, "traefik", null, null, null, null, null);
  }

  /** Renders and writes the site folder exactly as the type does, then asks Compose for its model. */
  private JsonNode load(ProjectSpec spec) {
    SiteFolder folder = new SiteFolder(root.resolve("sites"), PROJECT);
    String yaml = ComposeFile.render(PROJECT, spec, config(), "tw:acme/demo/site@1");
    assertThat(SchemaValidator.compose().validateYaml(yaml)).isEmpty();
    folder.write(yaml, ComposeFile.renderEnv(spec));
    return config(folder.dir(), Map.of("HOST_SECRET", HOST_SECRET, "X", "x-from-host"));
  }

  /** {@code config} prints literal dollars as {@code $$}; the value a container gets has them single. */
  static String value(JsonNode node) {
    return node.asText().replace("$$", "$");
  }

  /** Either {@code make} refuses with a message naming {@code field}, or {@code check} passes on the model. */
  private void refusedOrExact(String field, String hostile, Supplier<ProjectSpec> make,
      java.util.function.Consumer<JsonNode> check, List<String> outcomes) {
    ProjectSpec spec;
    try {
      spec = make.get();
    } catch (PermanentException refused) {
      assertThat(refused).as(field + " " + show(hostile)).hasMessageContaining(field);
      outcomes.add("refused");
      return;
    }
    JsonNode model = load(spec);
    check.accept(model.path("services").path("web"));
    outcomes.add("exact");
  }

  static String show(String s) {
    return "[" + s.replace("\n", "\\n").replace("\r", "\\r") + "]";
  }

  static Service web(Map<String, String> env, List<String> secretEnv, List<String> command, Map<String, String> labels,
      Route route, String volumePath, Healthcheck healthcheck) {
    return new Service(Specs.IMAGE, null, command, env, secretEnv, null, healthcheck, null, null,
        volumePath == null ? null : Map.of("data", volumePath), route, null, null, null, labels);
  }

  @Test
  void secretsReachTheContainerExactlyOrAreRefusedWithoutShowingTheValue() {
    List<String> outcomes = new ArrayList<>();
    for (String hostile : HOSTILE) {
      if (hostile.isEmpty()) {
        continue; // a Secret is never empty
      }
      try {
        Map<String, Secret> secrets = new LinkedHashMap<>();
        secrets.put("DB_PASSWORD", Secret.of("generated-0123456789abcdef"));
        secrets.put("SMTP_USER", Secret.of(hostile));
        secrets.put("SMTP_PASSWORD", Secret.of(hostile));
        ProjectSpec spec = new ProjectSpec(Map.of("web", web(null,
            List.of("DB_PASSWORD", "SMTP_USER", "SMTP_PASSWORD"), null, null, null, null, null)), secrets, null);
        JsonNode env = load(spec).path("services").path("web").path("environment");
        assertThat(value(env.path("SMTP_USER"))).as(show(hostile)).isEqualTo(hostile);
        assertThat(value(env.path("SMTP_PASSWORD"))).as(show(hostile)).isEqualTo(hostile);
        assertThat(value(env.path("DB_PASSWORD"))).as(show(hostile)).isEqualTo("generated-0123456789abcdef");
        outcomes.add("exact");
      } catch (PermanentException refused) {
        assertThat(refused).as(show(hostile)).hasMessageContaining("secrets.SMTP_");
        if (hostile.length() > 2) {
          assertThat(refused.getMessage()).doesNotContain(hostile);
        }
        outcomes.add("refused");
      }
    }
    assertThat(outcomes).contains("exact", "refused");
  }

  @Test
  void plainValuesCommandsHealthchecksAndVolumePathsReachComposeExactly() {
    for (String hostile : HOSTILE) {
      ProjectSpec spec = new ProjectSpec(Map.of("web", web(Map.of("GREETING", hostile), null,
          List.of("echo", hostile), null, null, "/data/" + hostile.replace("\n", "").replace("\r", ""),
          new Healthcheck(List.of("test", "-n", hostile), null, null, null, null))), null, null);
      JsonNode web = load(spec).path("services").path("web");
      assertThat(value(web.path("environment").path("GREETING"))).as(show(hostile)).isEqualTo(hostile);
      assertThat(value(web.path("command").get(1))).as(show(hostile)).isEqualTo(hostile);
      assertThat(value(web.path("healthcheck").path("test").get(3))).as(show(hostile)).isEqualTo(hostile);
    }
  }

  @Test
  void labelsAndTheRevisionAreExactOrRefused() {
    List<String> outcomes = new ArrayList<>();
    for (String hostile : HOSTILE) {
      refusedOrExact("labels.note", hostile, () -> new ProjectSpec(Map.of("web", web(null, null, null,
          Map.of("note", hostile), null, null, null)), null, null),
          web -> assertThat(value(web.path("labels").path("note"))).as(show(hostile)).isEqualTo(hostile), outcomes);
      refusedOrExact("revision", hostile, () -> new ProjectSpec(Map.of("web", web(null, null, null, null, null,
          null, null)), null, hostile),
          web -> assertThat(value(web.path("labels").path(ComposeFile.REVISION_LABEL))).as(show(hostile))
              .isEqualTo(hostile), outcomes);
    }
    assertThat(outcomes).contains("exact", "refused");
  }

  @Test
  void routesKeepTheirRuleOrAreRefused() {
    List<String> outcomes = new ArrayList<>();
    for (String hostile : HOSTILE) {
      refusedOrExact("route.pathPrefix", hostile, () -> new ProjectSpec(Map.of("web", web(null, null, null,
          null, new Route("shop.example.com", "/" + hostile, 8080, true, null, null), null, null)), null, null),
          web -> {
            String rule = value(web.path("labels").path("traefik.http.routers." + PROJECT + "-web.rule"));
            assertThat(rule).as(show(hostile)).isEqualTo("Host(`shop.example.com`) && PathPrefix(`/" + hostile + "`)");
            assertThat(value(web.path("labels").path("traefik.http.middlewares." + PROJECT
                + "-web-strip.stripprefix.prefixes"))).isEqualTo("/" + hostile);
          }, outcomes);
      refusedOrExact("route.host", hostile, () -> new ProjectSpec(Map.of("web", web(null, null, null, null,
          new Route(hostile + ".example.com", null, 8080, null, null, null), null, null)), null, null),
          web -> assertThat(hostile).as("only a plain label is a host").matches("[a-z0-9-]*"), outcomes);
    }
    assertThat(outcomes).contains("exact", "refused");
  }
}
