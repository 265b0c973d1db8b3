package dev.tenantwright.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.PermanentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaValidatorTest {

  static final String VALID_COMPOSE =
      """
      name: acme-web
      services:
        web:
          image: "nginx:1.27"
          restart: unless-stopped
          env_file: [".env"]
          environment:
            SITE_NAME: acme
          ports:
            - "8080:80"
          labels:
            traefik.enable: "true"
            traefik.http.routers.acme-web.rule: "Host(`acme.example.com`)"
          deploy:
            resources:
              limits:
                cpus: "0.5"
                memory: 256M
          healthcheck:
            test: ["CMD", "wget", "-q", "-O-", "http://localhost/"]
            interval: 10s
        db:
          image: "postgres:16"
          volumes:
            - data:/var/lib/postgresql/data
      volumes:
        data: {}
      """;

  static final String VALID_TRAEFIK =
      """
      http:
        routers:
          acme-web:
            entryPoints: [websecure]
            rule: "Host(`acme.example.com`)"
            service: acme-web
            tls:
              certResolver: le
        services:
          acme-web:
            loadBalancer:
              servers:
                - url: "http://10.0.0.5:8080"
      """;

  @Test
  void acceptsAValidComposeFile() {
    assertThat(SchemaValidator.compose().validateYaml(VALID_COMPOSE)).isEmpty();
  }

  @Test
  void reportsAnUnknownServiceKeyWithItsPath() {
    List<String> problems =
        SchemaValidator.compose().validateYaml(VALID_COMPOSE.replace("restart: unless-stopped", "restrat: unless-stopped"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("/services/web").contains("restrat"));
  }

  @Test
  void reportsAWrongTypeWithItsPath() {
    List<String> problems = SchemaValidator.compose().validateYaml("services:\n  web:\n    image: nginx\n    ports: 80\n");
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("/services/web/ports").contains("array"));
  }

  @Test
  void reportsAnUnknownTopLevelKey() {
    assertThat(SchemaValidator.compose().validateYaml("services: {}\nservice: {}\n"))
        .anySatisfy(p -> assertThat(p).contains("service"));
  }

  @Test
  void validatesJsonDocumentsToo() {
    assertThat(SchemaValidator.compose().validateJson("{\"services\":{\"web\":{\"image\":\"nginx\"}}}")).isEmpty();
    assertThat(SchemaValidator.compose().validateJson("{\"services\":{\"web\":{\"image\":42}}}"))
        .anySatisfy(p -> assertThat(p).contains("/services/web/image"));
  }

  @Test
  void reportsASyntaxErrorAsOneProblem() {
    assertThat(SchemaValidator.compose().validateYaml("services:\n  web: [unclosed\n"))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("not valid YAML").contains("line"));
  }

  @Test
  void acceptsAValidTraefikFile() {
    assertThat(SchemaValidator.traefik().validateYaml(VALID_TRAEFIK)).isEmpty();
  }

  @Test
  void reportsATraefikRouterWithoutServiceAndWithAnUnknownField() {
    String broken = VALID_TRAEFIK.replace("service: acme-web", "parentRefs: [main]");
    assertThat(SchemaValidator.traefik().validateYaml(broken))
        .anySatisfy(p -> assertThat(p).contains("/http/routers/acme-web").contains("service"))
        .anySatisfy(p -> assertThat(p).contains("parentRefs"));
  }

  @Test
  void requireValidNamesTheFileAndListsTheProblems() {
    assertThatThrownBy(() -> SchemaValidator.traefik().requireValidYaml("routes/acme-web.yml", "htttp:\n  routers: {}\n"))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("routes/acme-web.yml")
        .hasMessageContaining("traefik schema")
        .hasMessageContaining("htttp");
  }

  @Test
  void returnsTheSameCachedValidatorEveryTime() {
    assertThat(SchemaValidator.compose()).isSameAs(SchemaValidator.compose());
    assertThat(SchemaValidator.traefik()).isSameAs(SchemaValidator.traefik()).isNotSameAs(SchemaValidator.compose());
  }
}
