package dev.tenantwright.spring;

import dev.tenantwright.spring.demo.DemoApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The demo application with its journal in the application's own H2 database ({@code spring.datasource.url}). */
@SpringBootTest(classes = DemoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class TenantwrightH2ApplicationTest extends TenantwrightApplicationContract {

  @DynamicPropertySource
  static void journal(DynamicPropertyRegistry registry) {
    h2(newDirectory()).forEach((name, value) -> registry.add(name, () -> value));
  }

  @Override
  Journal newJournal() {
    Map<String, Object> properties = h2(newDirectory());
    return new Journal() {
      @Override
      Map<String, Object> properties() {
        return properties;
      }
    };
  }

  /** The URL the core README asks for: durable commits, a file system an interrupted thread cannot close. */
  private static Map<String, Object> h2(Path dir) {
    String url = "jdbc:h2:async:" + dir.resolve("journal") + ";WRITE_DELAY=0;REUSE_SPACE=FALSE";
    return Map.of("spring.datasource.url", url, "spring.datasource.username", "sa");
  }

  private static Path newDirectory() {
    try {
      return Files.createTempDirectory(Files.createDirectories(Path.of("target")), "h2-").toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
