package dev.tenantwright.testkit;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps README examples honest: checks that the first {@code ```java} block after a heading in a README is
 * exactly the code between {@code // NAME-BEGIN} and {@code // NAME-END} in a test source (which the
 * build compiles and runs), and that the block shows the imports a reader needs. Whitespace at line ends and
 * blank lines are ignored.
 *
 * <p>A block opens with the {@code import} lines of the types it uses, then the marked code:
 * <ul>
 *   <li>every import it shows must name a class (or a static member) the test's class path has;
 *   <li>every import of the test source whose simple name the marked code uses (outside comments and string
 *       literals) must be shown, naming the same class;
 *   <li>so must every public type of the test source's own package (which the source uses without an import) that
 *       the code names, unless that type is itself test code, which a reader does not get.
 * </ul>
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

  private static final Pattern IMPORT = Pattern.compile("import\\s+(static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;");
  private static final Pattern SOURCE_IMPORT =
      Pattern.compile("(?m)^import\\s+(static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

  private ReadmeSnippets() {}

  /**
   * Fails with both texts when the README block under {@code heading} differs from the marked code, or when its
   * imports are wrong or incomplete.
   *
   * @throws AssertionError when the heading, the block or the markers are missing, the code differs, an import
   *     shown names nothing, or an import the code needs is not shown
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
    List<String> lines = new ArrayList<>(block.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    Map<String, String> shown = new LinkedHashMap<>();
    while (!lines.isEmpty() && lines.get(0).startsWith("import ")) {
      Matcher m = IMPORT.matcher(lines.remove(0));
      if (!m.matches()) {
        throw new AssertionError("the README block under '" + heading + "' has a malformed import line");
      }
      shown.put(m.group(2), m.group(1) == null ? "" : "static ");
    }
    String marked = code.substring(from + begin.length(), to);
    String expected = normalise(marked);
    String actual = String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
    if (!expected.equals(actual)) {
      throw new AssertionError("the README block under '" + heading + "' differs from " + source + ":\n--- README\n"
          + actual + "--- code\n" + expected);
    }
    List<String> problems = importProblems(shown, code, marked);
    if (!problems.isEmpty()) {
      throw new AssertionError("the imports of the README block under '" + heading + "' (" + readme + ") are wrong:\n  "
          + String.join("\n  ", problems));
    }
  }

  /** The first {@code ```yaml} block of a Markdown file, e.g. a plugin README's minimal blueprint. */
  public static String firstYamlBlock(Path markdown) throws IOException {
    Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(markdown));
    if (!m.find()) {
      throw new AssertionError(markdown + " has no ```yaml block");
    }
    return m.group(1);
  }

  private static List<String> importProblems(Map<String, String> shown, String source, String marked) {
    List<String> problems = new ArrayList<>();
    shown.forEach((name, kind) -> {
      if (!resolves(name, !kind.isEmpty())) {
        problems.add("import " + kind + name + "; names no class or member on the class path");
      }
    });
    Set<String> used = usedNames(marked);
    Map<String, String> needed = new LinkedHashMap<>();
    Matcher m = SOURCE_IMPORT.matcher(source);
    while (m.find()) {
      String name = m.group(2);
      String simple = name.substring(name.lastIndexOf('.') + 1);
      if (!name.endsWith(".*") && used.contains(simple)) {
        needed.put(name, m.group(1) == null ? "" : "static ");
      }
    }
    Matcher pkg = PACKAGE.matcher(source);
    if (pkg.find()) {
      for (String simple : used) {
        String name = pkg.group(1) + "." + simple;
        if (Character.isUpperCase(simple.charAt(0)) && !needed.containsKey(name) && isPublicMainType(name)) {
          needed.put(name, "");
        }
      }
    }
    needed.forEach((name, kind) -> {
      String wildcard = name.substring(0, name.lastIndexOf('.')) + ".*";
      if (!shown.containsKey(name) && !shown.containsKey(wildcard)) {
        problems.add("missing: import " + kind + name + ";");
      }
    });
    return problems;
  }

  /** The identifiers the code names on its own (not after a '.'), outside comments, strings and characters. */
  private static Set<String> usedNames(String code) {
    String bare = code
        .replaceAll("(?s)/\\*.*?\\*/", " ")
        .replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"")
        .replaceAll("\"(?:\\\\.|[^\"\\\\\\n])*\"", "\"\"")
        .replaceAll("'(?:\\\\.|[^'\\\\\\n])+'", "' '")
        .replaceAll("//[^\\n]*", " ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      int before = m.start() - 1;
      while (before >= 0 && Character.isWhitespace(bare.charAt(before))) {
        before--;
      }
      if (before < 0 || bare.charAt(before) != '.') {
        names.add(m.group());
      }
    }
    return names;
  }

  private static boolean resolves(String name, boolean isStatic) {
    if (name.endsWith(".*")) {
      String owner = name.substring(0, name.length() - 2);
      return isStatic ? load(owner) != null : load(owner) != null || packageHasClasses(owner);
    }
    if (!isStatic) {
      return load(name) != null;
    }
    Class<?> owner = load(name.substring(0, name.lastIndexOf('.')));
    String member = name.substring(name.lastIndexOf('.') + 1);
    return owner != null && (Arrays.stream(owner.getMethods()).map(Method::getName).anyMatch(member::equals)
        || Arrays.stream(owner.getFields()).map(Field::getName).anyMatch(member::equals)
        || Arrays.stream(owner.getClasses()).map(Class::getSimpleName).anyMatch(member::equals));
  }

  private static boolean isPublicMainType(String name) {
    Class<?> c = load(name);
    if (c == null || !Modifier.isPublic(c.getModifiers())) {
      return false;
    }
    CodeSource where = c.getProtectionDomain().getCodeSource();
    URL location = where == null ? null : where.getLocation();
    return location == null || !location.toString().contains("test-classes");
  }

  private static boolean packageHasClasses(String pkg) {
    ClassLoader loader = loader();
    return loader.getResource(pkg.replace('.', '/')) != null;
  }

  /** The class of that canonical name (nested classes as {@code Outer.Inner}), or null. */
  private static Class<?> load(String name) {
    String binary = name;
    while (true) {
      try {
        return Class.forName(binary, false, loader());
      } catch (ClassNotFoundException | LinkageError e) {
        int dot = binary.lastIndexOf('.');
        if (dot < 0) {
          return null;
        }
        binary = binary.substring(0, dot) + "$" + binary.substring(dot + 1);
      }
    }
  }

  private static ClassLoader loader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : ReadmeSnippets.class.getClassLoader();
  }

  private static String normalise(String s) {
    StringBuilder sb = new StringBuilder();
    s.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> sb.append(l).append('\n'));
    return sb.toString();
  }
}
