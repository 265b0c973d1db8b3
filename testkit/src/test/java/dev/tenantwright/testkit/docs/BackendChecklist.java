package dev.tenantwright.testkit.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checklist of {@code docs/adding-a-backend.md}, read from its tables and held against a repository tree: every
 * row against every backend module, and every file that names (nearly) all backends against the rows and the table
 * of places that need no change. {@link #problems()} lists what disagrees, each naming the row or file and what to
 * fix; empty when the guide is true.
 */
final class BackendChecklist {

  static final String ROW_HEADER = "| # | path | check | applies to | why |";
  static final String PLACES_HEADER = "| place | why it needs no change for a new backend |";

  private static final Pattern CODE = Pattern.compile("(`+)(.+?)\\1");
  private static final Pattern CHECK = Pattern.compile("(exists|contains|mentions|some file contains)\\s*(.*)");
  private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules", ".idea", ".mvn");
  private static final Set<String> TEXT = Set.of("md", "java", "xml", "yaml", "yml", "json", "sh", "properties", "txt",
      "html", "js", "mjs", "css", "sql", "toml");
  private static final String FAKES = "testkit/src/main/java/dev/tenantwright/testkit/<backend>/*Fake.java";

  record Row(String table, String number, String path, String check, String text, String appliesTo, List<String> named) {
    String label() {
      return table + " row " + number + " (" + path + ", " + check + (text.isEmpty() ? "" : " '" + text + "'") + ")";
    }
  }

  private final Path root;
  private final String guide;
  private final String guideFile;
  private final List<Row> rows = new ArrayList<>();
  private final List<String> places = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  /**
   * @param root the repository root
   * @param guideFile the guide's path below {@code root}, e.g. {@code docs/adding-a-backend.md}
   */
  BackendChecklist(Path root, String guideFile) throws IOException {
    this.root = root;
    this.guideFile = guideFile;
    this.guide = Files.readString(root.resolve(guideFile));
    parse();
  }

  List<Row> rows() {
    return rows;
  }

  /** The backend modules: every folder of {@code plugins/} with a {@code pom.xml}, except {@code support}. */
  List<String> backends() throws IOException {
    try (Stream<Path> dirs = Files.list(root.resolve("plugins"))) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
          .map(d -> d.getFileName().toString()).filter(n -> !n.equals("support")).sorted().toList();
    }
  }

  /** Everything in the tree that disagrees with the guide; empty when the guide is true. */
  List<String> problems() throws IOException {
    List<String> found = new ArrayList<>(problems);
    List<String> backends = backends();
    if (rows.isEmpty()) {
      found.add(guideFile + " has no checklist table (a table whose header is " + ROW_HEADER + ")");
    }
    for (Row row : rows) {
      for (String b : row.named()) {
        if (!backends.contains(b)) {
          found.add(row.label() + " names '" + b + "', which is no backend module in plugins/ " + backends);
        }
      }
      for (String b : backends) {
        boolean applies = switch (row.appliesTo()) {
          case "all" -> true;
          case "all except" -> !row.named().contains(b);
          default -> row.named().contains(b);
        };
        boolean holds = holds(row, b);
        if (applies && !holds) {
          found.add(row.label() + " does not hold for '" + b + "': " + expected(row, b));
        } else if (!applies && holds) {
          found.add(row.label() + " holds for '" + b + "', which the row " + (row.appliesTo().equals("only")
              ? "does not list: add it to 'only ...'" : "exempts: take it out of 'all except ...'"));
        }
      }
    }
    found.addAll(unlistedPlaces(backends));
    return found;
  }

  private void parse() {
    String table = null;
    boolean inRows = false;
    boolean inPlaces = false;
    for (String raw : guide.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("#")) {
        table = line.replaceFirst("^#+\\s*", "");
      }
      if (line.equals(ROW_HEADER)) {
        inRows = true;
        continue;
      }
      if (line.equals(PLACES_HEADER)) {
        inPlaces = true;
        continue;
      }
      if (!line.startsWith("|")) {
        inRows = false;
        inPlaces = false;
        continue;
      }
      if (line.matches("\\|[-| :]+\\|")) {
        continue;
      }
      List<String> cells = Arrays.stream(line.substring(1, line.length() - 1).split("\\|", -1)).map(String::strip)
          .toList();
      if (inRows) {
        parseRow(table, cells, line);
      } else if (inPlaces) {
        String place = code(cells.get(0));
        if (place == null) {
          problems.add("the places table has a row without a `path`: " + line);
        } else {
          places.add(place);
        }
      }
    }
  }

  private void parseRow(String table, List<String> cells, String line) {
    if (cells.size() != 5) {
      problems.add(table + ": a checklist row needs 5 cells: " + line);
      return;
    }
    String path = code(cells.get(1));
    Matcher check = CHECK.matcher(cells.get(2));
    String applies = cells.get(3);
    if (path == null || !check.matches()) {
      problems.add(table + ": row " + cells.get(0) + " needs a `path` and a check (exists, contains `text`, mentions "
          + "`text` or some file contains `text`): " + line);
      return;
    }
    String text = check.group(1).equals("exists") ? "" : code(check.group(2));
    if (text == null) {
      problems.add(table + ": row " + cells.get(0) + " has '" + check.group(1) + "' without a `text`: " + line);
      return;
    }
    String kind;
    List<String> named;
    if (applies.equals("all")) {
      kind = "all";
      named = List.of();
    } else if (applies.startsWith("all except ")) {
      kind = "all except";
      named = names(applies.substring("all except ".length()));
    } else if (applies.startsWith("only ")) {
      kind = "only";
      named = names(applies.substring("only ".length()));
    } else {
      problems.add(table + ": row " + cells.get(0) + " applies to '" + applies
          + "': write all, all except a, b or only a, b");
      return;
    }
    rows.add(new Row(table, cells.get(0), path, check.group(1), text, kind, named));
  }

  private static List<String> names(String list) {
    return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** The text of the first code span of a cell (a double-backtick span drops its padding spaces), or null. */
  private static String code(String cell) {
    Matcher m = CODE.matcher(cell);
    if (!m.find()) {
      return null;
    }
    String s = m.group(2);
    return m.group(1).length() > 1 && s.length() > 2 && s.startsWith(" ") && s.endsWith(" ")
        ? s.substring(1, s.length() - 1) : s;
  }

  private boolean holds(Row row, String backend) throws IOException {
    String path = substitute(row.path(), backend, null);
    List<String> texts = texts(row.text(), backend);
    if (texts.isEmpty()) {
      return false;
    }
    return switch (row.check()) {
      case "exists" -> !matches(path).isEmpty();
      case "some file contains" -> matches(path).stream().anyMatch(p -> texts.stream().allMatch(t -> read(p).contains(t)));
      case "contains" -> Files.isRegularFile(root.resolve(path))
          && texts.stream().allMatch(t -> read(root.resolve(path)).contains(t));
      default -> Files.isRegularFile(root.resolve(path))
          && texts.stream().allMatch(t -> mentions(read(root.resolve(path)), t));
    };
  }

  private String expected(Row row, String backend) throws IOException {
    String path = substitute(row.path(), backend, null);
    return switch (row.check()) {
      case "exists" -> path + " does not exist";
      default -> path + " should " + (row.check().equals("mentions") ? "mention " : "contain ")
          + String.join(" and ", texts(row.text(), backend).stream().map(t -> "'" + t + "'").toList())
          + (row.text().contains("<Fake>") && texts(row.text(), backend).isEmpty() ? " (there is no " + FAKES
          .replace("<backend>", backend) + ")" : "");
    };
  }

  /** The row's text for a backend: one per fake class when it holds {@code <Fake>}, none when there is no fake. */
  private List<String> texts(String text, String backend) throws IOException {
    if (!text.contains("<Fake>")) {
      return List.of(substitute(text, backend, null));
    }
    List<String> out = new ArrayList<>();
    for (Path fake : matches(substitute(FAKES, backend, null))) {
      String name = fake.getFileName().toString();
      out.add(substitute(text, backend, name.substring(0, name.length() - ".java".length())));
    }
    return out;
  }

  private static String substitute(String s, String backend, String fake) {
    String out = s.replace("<backend>", backend).replace("<BACKEND>", backend.toUpperCase(Locale.ROOT));
    return fake == null ? out : out.replace("<Fake>", fake);
  }

  /** The files or folders a path names; a {@code *} may stand in its last part. */
  private List<Path> matches(String path) throws IOException {
    Path p = root.resolve(path);
    String last = p.getFileName().toString();
    if (!last.contains("*")) {
      return Files.exists(p) ? List.of(p) : List.of();
    }
    Path dir = p.getParent();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + last);
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> glob.matches(f.getFileName())).sorted().toList();
    }
  }

  private static boolean mentions(String text, String word) {
    return Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(word) + "(?![A-Za-z0-9])", Pattern.CASE_INSENSITIVE)
        .matcher(text).find();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Files that name every backend, or every one but one, that are neither a row's path (or its pattern) nor in the
   * places table; and places that no longer exist.
   */
  private List<String> unlistedPlaces(List<String> backends) throws IOException {
    List<String> found = new ArrayList<>();
    for (String place : places) {
      if (!Files.exists(root.resolve(place))) {
        found.add("the places table lists " + place + ", which does not exist: take it out");
      }
    }
    if (backends.size() < 2) {
      return found;
    }
    Set<String> listed = new LinkedHashSet<>(places);
    listed.add(guideFile);
    List<PathMatcher> patterns = new ArrayList<>();
    for (Row row : rows) {
      if (!row.path().contains("<")) {
        listed.add(row.path());
        patterns.add(FileSystems.getDefault().getPathMatcher("glob:" + row.path()));
      }
    }
    Set<String> unlisted = new TreeSet<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        return !dir.equals(root) && (SKIPPED_DIRS.contains(name) || name.endsWith("-data"))
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path rel = root.relativize(file);
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        boolean text = dot < 0 ? rel.startsWith("bin") || rel.toString().equals(".ci/run")
            : TEXT.contains(name.substring(dot + 1));
        if (!text || attrs.size() > 1_000_000) {
          return FileVisitResult.CONTINUE;
        }
        String relative = rel.toString().replace('\\', '/');
        if (listed.contains(relative) || patterns.stream().anyMatch(m -> m.matches(rel))) {
          return FileVisitResult.CONTINUE;
        }
        String content;
        try {
          content = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
        } catch (CharacterCodingException e) {
          return FileVisitResult.CONTINUE;
        }
        long named = backends.stream().filter(b -> mentions(content, b)).count();
        if (named >= backends.size() - 1) {
          unlisted.add(relative);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    for (String file : unlisted) {
      found.add(file + " names " + (backends.size() - 1) + " or more of the backends " + backends + " but is not in "
          + guideFile + ": add a checklist row for it, or list it under 'Places that name the backends' with why a new "
          + "backend needs no change there");
    }
    return found;
  }
}
