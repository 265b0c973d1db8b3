package dev.tenantwright.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps README examples honest: checks that the first {@code ```java} block after a heading in a README is
 * exactly the code between {@code // NAME-BEGIN} and {@code // NAME-END} in a test source (which the
 * build compiles and runs). Whitespace at line ends and blank lines are ignored.
 *
 * <pre>{@code
 * @Test
 * void theReadmeShowsTheCompiledExample() throws IOException {
 *   ReadmeSnippets.assertShows(Path.of("README.md"), "## Minimal blueprint",
 *       Path.of("src/test/java/.../ReadmeExampleTest.java"), "EXAMPLE");
 * }
 * }</pre>
 */
public final class ReadmeSnippets {

  private ReadmeSnippets() {}

  /**
   * Fails with both texts when the README block under {@code heading} differs from the marked code.
   *
   * @throws AssertionError when the heading, the block or the markers are missing, or the code differs
   */
  public static void assertShows(Path readme, String heading, Path source, String marker) throws IOException {
    String text = Files.readString(readme);
    String code = Files.readString(source);
    String begin = "// " + marker + "-BEGIN";
    String end = "// " + marker + "-END";
    int from = code.indexOf(begin);
    int to = code.indexOf(end);
    if (from < 0 || to < from) {
      throw new AssertionError(source + " has no " + begin + " ... " + end + " markers");
    }
    int at = text.indexOf(heading);
    int open = at < 0 ? -1 : text.indexOf("```java", at);
    if (open < 0) {
      throw new AssertionError(readme + " has no ```java block under '" + heading + "'");
    }
    String block = text.substring(open + "```java".length());
    block = block.substring(0, block.indexOf("```"));
    String expected = normalise(code.substring(from + begin.length(), to));
    String actual = normalise(block);
    if (!expected.equals(actual)) {
      throw new AssertionError("the README block under '" + heading + "' differs from " + source + ":\n--- README\n"
          + actual + "--- code\n" + expected);
    }
  }

  /** The first {@code ```yaml} block of a Markdown file, e.g. a plugin README's minimal blueprint. */
  public static String firstYamlBlock(Path markdown) throws IOException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("```yaml\\n(.*?)```", java.util.regex.Pattern.DOTALL)
        .matcher(Files.readString(markdown));
    if (!m.find()) {
      throw new AssertionError(markdown + " has no ```yaml block");
    }
    return m.group(1);
  }

  private static String normalise(String s) {
    StringBuilder sb = new StringBuilder();
    s.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> sb.append(l).append('\n'));
    return sb.toString();
  }
}
