package dev.tenantwright.core.internal.blueprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantwrightException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InterpolatorTest {

  private static final Secret DB_PASSWORD = Secret.of("s3cr3t-Pa55");

  /** A resolver over plain maps, the way the engine answers from memory during a run. */
  static final class MapResolver implements Resolver {
    final Map<String, Object> tenant = new HashMap<>();
    final Map<String, Object> env = new HashMap<>();
    final Map<String, Object> vars = new HashMap<>();
    final Map<String, Secret> secrets = new HashMap<>();
    final Map<String, Object> outputs = new HashMap<>();

    @Override
    public Object tenant(String field) {
      return tenant.get(field);
    }

    @Override
    public Object env(String field) {
      return env.get(field);
    }

    @Override
    public Object var(String name) {
      return vars.get(name);
    }

    @Override
    public Secret secret(String name) {
      return secrets.get(name);
    }

    @Override
    public Object output(String resource, String field) {
      return outputs.get(resource + "." + field);
    }
  }

  private final MapResolver resolver = new MapResolver();

  InterpolatorTest() {
    resolver.tenant.put("id", "abc-corporation");
    resolver.tenant.put("name", "ABC Corporation");
    resolver.tenant.put("attributes.industry", "retail");
    resolver.env.put("name", "test-checkout");
    resolver.env.put("kind", "test");
    resolver.vars.put("image", "local/busybox:1");
    resolver.vars.put("replicas", 3);
    resolver.vars.put("labels", Map.of("team", "shop"));
    resolver.secrets.put("db-password", DB_PASSWORD);
    resolver.outputs.put("port.port", 49152);
    resolver.outputs.put("price.amount", new BigDecimal("1E+3"));
  }

  @Test
  void findsEveryKindOfReferenceInOrderWithoutDuplicates() {
    Object params = Map.of("all", "${tenant.email}/${tenant.attributes.size}/${env.kind}/${vars.image}/"
        + "${secrets.db-password}/${port.port}/${vars.image}");

    assertThat(Interpolator.references(params)).containsExactly(
        Reference.tenant("email"),
        Reference.tenant("attributes.size"),
        Reference.env("kind"),
        Reference.var("image"),
        Reference.secret("db-password"),
        Reference.output("port", "port"));
  }

  @Test
  void findsReferencesInsideNestedMapsAndLists() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("env", Map.of("DB_URL", List.of("x", Map.of("deep", "${db.url}"))));
    params.put("count", 3);
    params.put("on", true);

    assertThat(Interpolator.references(params)).containsExactly(Reference.output("db", "url"));
  }

  @Test
  void anEscapedDollarBraceIsNotAReference() {
    assertThat(Interpolator.references("echo $${HOME} and $$ and $5")).isEmpty();
  }

  @Test
  void aWholeStringExpressionKeepsTheResolvedType() {
    assertThat(Interpolator.resolve("${vars.replicas}", resolver)).isEqualTo(3);
    assertThat(Interpolator.resolve("${port.port}", resolver)).isEqualTo(49152);
    assertThat(Interpolator.resolve("${secrets.db-password}", resolver)).isSameAs(DB_PASSWORD);
    assertThat(Interpolator.resolve("${vars.labels}", resolver)).isEqualTo(Map.of("team", "shop"));
  }

  @Test
  void anEmbeddedExpressionIsConcatenated() {
    assertThat(Interpolator.resolve("http://localhost:${port.port}/${env.name}", resolver))
        .isEqualTo("http://localhost:49152/test-checkout");
    assertThat(Interpolator.resolve("total: ${price.amount}", resolver)).isEqualTo("total: 1000");
    assertThat(Interpolator.resolve(" ${vars.replicas}", resolver)).isEqualTo(" 3");
  }

  @Test
  void aSecretEmbeddedInTextIsRevealed() {
    assertThat(Interpolator.resolve("postgres://app:${secrets.db-password}@db/app", resolver))
        .isEqualTo("postgres://app:s3cr3t-Pa55@db/app");
  }

  @Test
  void tenantFieldsAndAttributesResolve() {
    assertThat(Interpolator.resolve("${tenant.name} (${tenant.id}) sells ${tenant.attributes.industry}", resolver))
        .isEqualTo("ABC Corporation (abc-corporation) sells retail");
  }

  @Test
  void anEscapeBecomesALiteralDollarBrace() {
    assertThat(Interpolator.resolve("echo $${HOME} in ${env.name}", resolver)).isEqualTo("echo ${HOME} in test-checkout");
    assertThat(Interpolator.resolve("$${vars.image}", resolver)).isEqualTo("${vars.image}");
  }

  @Test
  void whitespaceInsideTheBracesIsIgnored() {
    assertThat(Interpolator.resolve("${ vars.image }", resolver)).isEqualTo("local/busybox:1");
  }

  @Test
  void resolvesNestedMapsAndListsIntoADeepCopy() {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("tenant", "${tenant.id}");
    labels.put("port", "${port.port}");
    List<Object> args = new ArrayList<>(List.of("--image", "${vars.image}", 7, false));
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("labels", labels);
    params.put("args", args);
    params.put("nothing", null);

    Object resolved = Interpolator.resolve(params, resolver);

    Map<String, Object> expectedLabels = new LinkedHashMap<>();
    expectedLabels.put("tenant", "abc-corporation");
    expectedLabels.put("port", 49152);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("labels", expectedLabels);
    expected.put("args", List.of("--image", "local/busybox:1", 7, false));
    expected.put("nothing", null);
    assertThat(resolved).isEqualTo(expected);
    assertThat(labels).containsEntry("tenant", "${tenant.id}");
    assertThatThrownBy(() -> ((Map<?, ?>) resolved).clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aResolvedValueIsNeverInterpolatedAgain() {
    resolver.vars.put("title", "${secrets.db-password}");

    assertThat(Interpolator.resolve("Site: ${vars.title}", resolver)).isEqualTo("Site: ${secrets.db-password}");
  }

  @Test
  void anUnresolvableExpressionFailsNamingTheExpressionAndWhereItIs() {
    Map<String, Object> params = Map.of("env", Map.of("DOMAIN", "https://${vars.domain}/"));

    assertThatThrownBy(() -> Interpolator.resolve(params, resolver))
        .isInstanceOf(TenantwrightException.class)
        .hasMessage("cannot resolve ${vars.domain} in 'env.DOMAIN': no value was supplied for var 'domain' and it "
            + "has no default");
    assertThatThrownBy(() -> Interpolator.resolve("${db.url}", resolver))
        .hasMessage("cannot resolve ${db.url}: resource 'db' has no output 'url'");
    assertThatThrownBy(() -> Interpolator.resolve("${secrets.smtp}", resolver))
        .hasMessageContaining("no secret named 'smtp'");
    assertThatThrownBy(() -> Interpolator.resolve("${tenant.attributes.size}", resolver))
        .hasMessageContaining("the tenant has no value for 'attributes.size'");
  }

  @Test
  void aMapCannotBeEmbeddedInText() {
    assertThatThrownBy(() -> Interpolator.resolve(List.of("labels: ${vars.labels}"), resolver))
        .isInstanceOf(TenantwrightException.class)
        .hasMessageContaining("${vars.labels} in '[0]' resolves to a map");
  }

  @ParameterizedTest
  @ValueSource(strings = {"${vars.image", "${}", "${image}", "${tenant.company}", "${env.region}",
      "${vars.my image}", "${secrets.}", "${Db.url}", "${db.url.host}", "${a.${b.c}}"})
  void aMalformedExpressionIsRefusedWithAMessageThatShowsIt(String text) {
    assertThatThrownBy(() -> Interpolator.references(text))
        .isInstanceOf(TenantwrightException.class)
        .hasMessageContaining(text.contains("}") ? text.substring(0, text.indexOf('}') + 1) : text);
  }

  @Test
  void textWithoutExpressionsResolvesToItself() {
    assertThat(Interpolator.resolve("plain $ text", resolver)).isEqualTo("plain $ text");
    assertThat(Interpolator.resolve(42, resolver)).isEqualTo(42);
    assertThat(Interpolator.resolve(null, resolver)).isNull();
  }
}
