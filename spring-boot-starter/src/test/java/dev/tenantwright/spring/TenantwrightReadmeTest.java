package dev.tenantwright.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.EngineHealth;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.TenantwrightConfig;
import dev.tenantwright.spring.demo.DemoApplication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Keeps README.md true: its {@code application.yaml} names every property and only real ones, the demo application
 * starts with it, and its customizer example is the code compiled here.
 */
class TenantwrightReadmeTest {

  private static final Path README = Path.of("README.md");

  /** What the README's placeholders stand for ({@code ${DB_PASSWORD}} and the like): environment variables. */
  private static final Map<String, Object> ENVIRONMENT = Map.of(
      "DB_PASSWORD", "",
      "VERCEL_TOKEN", "vercel-test-token",
      "CLOUDFLARE_TOKEN", "cloudflare-test-token",
      "CLOUDFLARE_ZONE", "023e105f4ecef8ad9ca31a8372d0c353",
      "TENANTWRIGHT_WEBHOOK_SECRET", "a-webhook-secret-of-32-characters",
      "TENANTWRIGHT_KEY", Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef"
          .getBytes(StandardCharsets.US_ASCII)));

  @TempDir
  Path dir;

  @Test
  void theApplicationYamlNamesOnlyPropertiesThatExist() throws IOException {
    MutablePropertySources sources = new MutablePropertySources();
    sources.addFirst(readmeYaml());
    sources.addLast(new MapPropertySource("environment", ENVIRONMENT));

    Binder binder = new Binder(ConfigurationPropertySources.from(sources),
        new PropertySourcesPlaceholdersResolver(sources));
    TenantwrightProperties bound = binder.bind("tenantwright", Bindable.of(TenantwrightProperties.class),
        new NoUnboundElementsBindHandler(BindHandler.DEFAULT)).get();

    assertThat(bound.getDefaultBlueprint()).isEqualTo("website");
    assertThat(bound.getPlans().get("starter").getMaxResources()).containsEntry("vercel.project", 3);
    assertThat(bound.getPluginConfig().get("vercel")).containsEntry("teamId", "team_1");
  }

  @Test
  void theApplicationYamlNamesEveryProperty() throws IOException {
    Set<String> written = Set.of(readmeYaml().getPropertyNames());

    assertThat(TenantwrightMetadataTest.properties().keySet()).allSatisfy(property -> assertThat(written)
        .as("README.md's application.yaml names " + property)
        .anyMatch(name -> name.equals(property) || name.startsWith(property + ".") || name.startsWith(property + "[")));
  }

  @Test
  void theApplicationStartsWithTheApplicationYamlAndTheCustomizerExample() throws IOException {
    Path blueprints = Files.createDirectories(dir.resolve("blueprints"));
    Files.writeString(blueprints.resolve("website.yaml"), """
        blueprint: website
        resources:
          site:
            type: demo.site
            params: {title: README, url: "http://127.0.0.1/"}
        """);
    Map<String, Object> local = new HashMap<>(ENVIRONMENT);
    // what only exists on a real host: its database, directories, key file and webhook receiver
    local.put("spring.datasource.url", "jdbc:h2:async:" + dir.resolve("app") + ";WRITE_DELAY=0;REUSE_SPACE=FALSE");
    local.put("spring.datasource.username", "sa");
    local.put("tenantwright.embedded-dir", dir.resolve("embedded").toString());
    local.put("tenantwright.secret-key-file", dir.resolve("secret.key").toString());
    local.put("tenantwright.plugins-dir", Files.createDirectories(dir.resolve("plugins")).toString());
    local.put("tenantwright.blueprint-dirs[0]", blueprints.toString());
    local.put("tenantwright.status-webhooks.master-db.url", "http://127.0.0.1:9/hooks/tenantwright");
    PropertySource<?> readme = readmeYaml();

    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(DemoApplication.class,
        CustomizerExample.class).web(WebApplicationType.NONE).initializers(context -> {
          context.getEnvironment().getPropertySources().addFirst(readme);
          context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("host", local));
        }).run()) {
      Tenantwright tenantwright = app.getBean(Tenantwright.class);
      @SuppressWarnings("unchecked")
      TenantwrightConfig config = ((AtomicReference<TenantwrightConfig>) app.getBean("builtFrom")).get();

      assertThat(tenantwright.blueprints()).contains("website");
      assertThat(config.owner()).isEqualTo("web-1");
      assertThat(config.backendConcurrency()).containsEntry("vercel", 4);
      assertThat(config.pluginConfigs().get("cloudflare")).containsEntry("zoneId", ENVIRONMENT.get("CLOUDFLARE_ZONE"));
      assertThat(tenantwright.resourceTypes()).as("the configured plugins were loaded, so their sections were checked")
          .contains("vercel.project", "cloudflare.dns-record");
      assertThat(config.statusWebhooks()).extracting(w -> w.name()).containsExactly("master-db");
      assertThat(dir.resolve("secret.key")).as("the customizer's key is used, no key file is made").doesNotExist();
      EngineHealth health = tenantwright.health();
      assertThat(health.journalReachable()).isTrue();
    }
  }

  @Test
  void theCustomizerExampleIsTheCompiledOne() throws IOException {
    String readme = Files.readString(README);
    int at = readme.indexOf("TenantwrightBuilderCustomizer secretKeyFromTheEnvironment");
    int open = readme.lastIndexOf("```java", at);
    String block = readme.substring(open + "```java".length(), readme.indexOf("```", open + 7));
    String source = Files.readString(Path.of("src/test/java/dev/tenantwright/spring/TenantwrightReadmeTest.java"));
    // the markers as lines of their own (this method names them too)
    String begin = "// CUSTOMIZER-BEGIN\n";
    String code = source.substring(source.indexOf(begin) + begin.length(), source.indexOf("// CUSTOMIZER-END\n"));

    assertThat(lines(block)).isEqualTo(lines(code));
  }

  /** The README's example customizer, as a host would declare it. */
  @Configuration(proxyBeanMethods = false)
  static class CustomizerExample {
    // CUSTOMIZER-BEGIN
    @Bean
    TenantwrightBuilderCustomizer secretKeyFromTheEnvironment(Environment env) {
      return builder -> builder.secretKey(Base64.getDecoder().decode(env.getRequiredProperty("TENANTWRIGHT_KEY")));
    }
    // CUSTOMIZER-END
  }

  /** The first {@code ```yaml} block under the README's "Configuration" heading, as Spring loads application.yaml. */
  static EnumerablePropertySource<?> readmeYaml() throws IOException {
    String readme = Files.readString(README);
    Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(m.find(readme.indexOf("\n## Configuration"))).as("a yaml block under ## Configuration").isTrue();
    List<PropertySource<?>> loaded = new YamlPropertySourceLoader().load("README.md application.yaml",
        new ByteArrayResource(m.group(1).getBytes(StandardCharsets.UTF_8)));
    assertThat(loaded).hasSize(1);
    return (EnumerablePropertySource<?>) loaded.get(0);
  }

  private static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }
}
