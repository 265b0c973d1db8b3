package dev.tenantwright.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks that a README's java block under a heading is exactly the code between markers in a test source. */
final class ReadmeSnippets {

  private ReadmeSnippets() {}

  static void assertShows(Path readme, String heading, Path testSource, String marker) throws IOException {
    String text = Files.readString(readme);
    String source = Files.readString(testSource);
    String begin = "// " + marker + "-BEGIN";
    String end = "// " + marker + "-END";
    String code = source.substring(source.indexOf(begin) + begin.length(), source.indexOf(end));
    int at = text.indexOf(heading);
    assertThat(at).as("%s has no heading %s", readme, heading).isNotNegative();
    String block = text.substring(text.indexOf("```java", at) + "```java".length());
    block = block.substring(0, block.indexOf("```"));
    assertThat(normalise(block)).as("the README block under %s must be the code in %s", heading, testSource)
        .isEqualTo(normalise(code));
  }

  private static String normalise(String s) {
    return s.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
  }
}
