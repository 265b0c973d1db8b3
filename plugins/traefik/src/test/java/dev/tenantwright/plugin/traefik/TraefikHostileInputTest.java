package dev.tenantwright.plugin.traefik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.plugin.traefik.internal.RouteFile;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.traefik.TraefikFake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant-controlled text in every {@code traefik.route} field that reaches the route file: each hostile value
 * is refused with a message naming the field, or the written file — schema-valid, with the ownership comment
 * first — says exactly that value and Traefik (the fake) loads the rule as written.
 */
class TraefikHostileInputTest {

  static final String NAME = "acme--demo--route";
  static final List<String> HOSTILE = List.of(
      "\\", "x\\", "'", "\"", "`", "a`) || Host(`victim.example", "$", "${HOME}", "{{ .Name }}", "a\nb",
      "# tenantwright-owner: tw:victim/live/route@1", "\n# tenantwright-owner: tw:victim/live/route@1", "=", ",",
      "a,b", "ünïcødé", "-rf", "--x", " ", "", "%2e%2e", "../..", "*", "&&", "||", "!", "()", "\u2028", "\t");

  @TempDir
  Path dir;

  @Test
  void everyFieldIsRefusedByNameOrWrittenAndLoadedExactly() throws Exception {
    try (TraefikFake traefik = new TraefikFake(dir).throttle(Duration.ZERO)
        .validateWith(SchemaValidator.traefik()::validateYaml)) {
      TraefikConfig config = new TraefikConfig(dir.toString(), traefik.baseUrl(), null, null, null, null, "le", null, 5,
          100, List.of("127.0.0.1/32"), List.of("docker"));
      TestStepContext ctx = TestStepContext.builder().step("route").config(config).build();
      traefik.clock(ctx.clock());
      TraefikRouteType type = new TraefikRouteType();
      int written = 0;
      for (String hostile : HOSTILE) {
        written += attempt("pathPrefix", () -> spec("", "/" + hostile, null, null),
            type, ctx, traefik);
        written += attempt("host", () -> spec(hostile + ".example.com", null, null, null), type, ctx, traefik);
        written += attempt("servers", () -> spec("shop.example.com", null, "http://127.0.0.1:20001/" + hostile, null),
            type, ctx, traefik);
        written += attempt("service", () -> spec("shop.example.com", null, null, "acme--demo--" + hostile + "@docker"),
            type, ctx, traefik);
        written += attempt("healthCheckPath", () -> new RouteSpec("shop.example.com", null, null,
            List.of("http://127.0.0.1:20001"), null, null, null, null, null, null, null, "/" + hostile), type, ctx,
            traefik);
      }
      assertThat(written).as("some values are harmless and written").isPositive();
      assertThat(traefik.loadErrors()).isEmpty();
    }
  }

  interface SpecMaker {
    RouteSpec make();
  }

  static RouteSpec spec(String host, String pathPrefix, String server, String service) {
    String h = host.isEmpty() ? "shop.example.com" : host;
    return new RouteSpec(h, pathPrefix, null, service == null ? List.of(server == null
        ? "http://127.0.0.1:20001" : server) : null, service, null, null, false, null, null, null, null);
  }

  /** 1 when the value was written and checked, 0 when it was refused naming {@code field}. */
  private int attempt(String field, SpecMaker maker, TraefikRouteType type, TestStepContext ctx, TraefikFake traefik)
      throws Exception {
    RouteSpec spec;
    try {
      spec = maker.make();
      new RouteFile(dir, NAME).render(spec, ctx.config(TraefikConfig.class), ctx.ownershipMarker());
    } catch (PermanentException refused) {
      assertThat(refused).hasMessageContaining("field '" + field + "'");
      return 0;
    }
    String text = new RouteFile(dir, NAME).render(spec, ctx.config(TraefikConfig.class), ctx.ownershipMarker());
    assertThat(SchemaValidator.traefik().validateYaml(text)).as(text).isEmpty();
    assertThat(RouteFile.ownerOf(text)).contains(ctx.ownershipMarker());
    JsonNode router = SupportJson.yamlMapper().readTree(text).path("http").path("routers").path(NAME);
    assertThat(router.path("rule").asText()).isEqualTo(spec.rule());
    if (spec.service() != null) {
      traefik.knownService(spec.service());
    }
    try {
      type.create(spec, ctx);
    } catch (PermanentException refused) {
      assertThat(refused).as(spec.toString()).hasMessageContaining("field '" + field + "'");
      assertThat(Files.exists(dir.resolve(NAME + ".yml"))).isFalse();
      return 0;
    }
    assertThat(traefik.router(NAME + "@file")).hasValueSatisfying(r ->
        assertThat(r.path("rule").asText()).isEqualTo(spec.rule()));
    type.delete(spec, null, ctx);
    ctx.pause(Duration.ofSeconds(1));
    return 1;
  }

  @Test
  void aRuleCannotBeClosedFromInsideAValue() {
    assertThatThrownBy(() -> spec("a.com`) || Host(`victim.com", null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'host'");
    assertThatThrownBy(() -> spec("shop.example.com", "/x`) || Host(`victim.com", null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'pathPrefix'");
  }
}
