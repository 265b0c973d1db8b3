package dev.tenantwright.testkit.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Every README in the repository shows the Maven coordinates, and they are right: a {@code ## Maven} section whose
 * first XML block imports {@code tenantwright-bom} (this repository's group and version, {@code <type>pom</type>},
 * {@code <scope>import</scope>}); every artifact an XML block names is one the BOM manages, under the BOM's group for
 * it and without a version of its own; and a module whose artifact the BOM manages names that artifact in its README.
 */
class ReadmeCoordinatesTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);
  /** READMEs of folders that are not Maven modules and have nothing to depend on. */
  static final Map<String, String> WITHOUT_COORDINATES = Map.of(
      "scripts/README.md", "CI and daemon scripts, not a Maven module",
      "api/README.md", "the committed API baseline, not a Maven module");

  record Bom(String groupId, String artifactId, String version, Map<String, String> managed) {}

  @Test
  void everyReadmeShowsTheBomImportAndOnlyArtifactsTheBomManages() throws Exception {
    Bom bom = bom();
    List<String> problems = new ArrayList<>();
    List<Path> readmes = readmes();
    assertThat(readmes).as("READMEs under " + ROOT).hasSizeGreaterThan(10);
    for (Path readme : readmes) {
      String name = ROOT.relativize(readme).toString().replace('\\', '/');
      if (WITHOUT_COORDINATES.containsKey(name)) {
        continue;
      }
      problems.addAll(check(name, Files.readString(readme), bom, moduleArtifact(readme.getParent())));
    }
    assertThat(problems).as("Maven coordinates in the READMEs").isEmpty();
  }

  @Test
  void aWrongVersionAnUnknownArtifactAVersionedArtifactAndAMissingModuleArtifactAreReported() throws Exception {
    Bom bom = bom();
    String readme = "# x\n\n## Maven\n\n```xml\n<dependencyManagement><dependencies><dependency>"
        + "<groupId>dev.tenantwright</groupId><artifactId>tenantwright-bom</artifactId><version>9.9.9</version>"
        + "<type>pom</type><scope>import</scope></dependency></dependencies></dependencyManagement>\n"
        + "<dependencies><dependency><groupId>dev.tenantwright</groupId><artifactId>tenantwright-plugin-nope</artifactId>"
        + "</dependency><dependency><groupId>dev.tenantwright</groupId><artifactId>tenantwright-core</artifactId>"
        + "<version>0.1.0-SNAPSHOT</version></dependency></dependencies>\n```\n";

    assertThat(check("x/README.md", readme, bom, "tenantwright-spi")).containsExactlyInAnyOrder(
        "x/README.md: the BOM import has version 9.9.9, not the BOM's " + bom.version(),
        "x/README.md: tenantwright-plugin-nope is not managed by bom/pom.xml",
        "x/README.md: tenantwright-core has a <version>: the BOM gives it",
        "x/README.md: names no <artifactId>tenantwright-spi</artifactId>, the module's own artifact");
    assertThat(check("y/README.md", "# y\n\nno section\n", bom, null))
        .containsExactly("y/README.md: no '## Maven' section with an ```xml block");
  }

  static List<String> check(String name, String text, Bom bom, String ownArtifact) throws Exception {
    List<String> problems = new ArrayList<>();
    int section = text.indexOf("\n## Maven\n");
    Matcher first = XML_BLOCK.matcher(text);
    if (section < 0 || !first.find(section)) {
      problems.add(name + ": no '## Maven' section with an ```xml block");
      return problems;
    }
    List<Element> all = new ArrayList<>();
    Matcher blocks = XML_BLOCK.matcher(text);
    while (blocks.find()) {
      List<Element> deps = dependencies(blocks.group(1));
      if (blocks.start() == first.start()) {
        List<Element> imports = deps.stream().filter(d -> bom.artifactId().equals(child(d, "artifactId"))).toList();
        if (imports.size() != 1) {
          problems.add(name + ": the first XML block of '## Maven' must import " + bom.artifactId() + " once");
        } else {
          Element i = imports.get(0);
          expect(problems, name, i, "groupId", bom.groupId());
          if (!bom.version().equals(child(i, "version"))) {
            problems.add(name + ": the BOM import has version " + child(i, "version") + ", not the BOM's "
                + bom.version());
          }
          expect(problems, name, i, "type", "pom");
          expect(problems, name, i, "scope", "import");
          if (!"dependencies".equals(i.getParentNode().getNodeName())
              || !"dependencyManagement".equals(i.getParentNode().getParentNode().getNodeName())) {
            problems.add(name + ": the BOM import belongs in <dependencyManagement><dependencies>");
          }
        }
      }
      all.addAll(deps);
    }
    for (Element d : all) {
      String artifact = child(d, "artifactId");
      if (bom.artifactId().equals(artifact)) {
        continue;
      }
      String group = bom.managed().get(artifact);
      if (group == null) {
        problems.add(name + ": " + artifact + " is not managed by bom/pom.xml");
        continue;
      }
      if (!group.equals(child(d, "groupId"))) {
        problems.add(name + ": " + artifact + " has groupId " + child(d, "groupId") + ", the BOM's is " + group);
      }
      if (child(d, "version") != null) {
        problems.add(name + ": " + artifact + " has a <version>: the BOM gives it");
      }
    }
    if (ownArtifact != null && all.stream().noneMatch(d -> ownArtifact.equals(child(d, "artifactId")))) {
      problems.add(name + ": names no <artifactId>" + ownArtifact + "</artifactId>, the module's own artifact");
    }
    return problems;
  }

  private static void expect(List<String> problems, String name, Element dep, String tag, String value) {
    if (!value.equals(child(dep, tag))) {
      problems.add(name + ": the BOM import's <" + tag + "> is " + child(dep, tag) + ", not " + value);
    }
  }

  /** The {@code <dependency>} elements of an XML block, which may hold several top-level elements. */
  private static List<Element> dependencies(String xml) throws Exception {
    Document doc = parse("<readme>" + xml + "</readme>");
    NodeList nodes = doc.getElementsByTagName("dependency");
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add((Element) nodes.item(i));
    }
    return out;
  }

  private static String child(Element e, String tag) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(tag)) {
        return c.getTextContent().strip();
      }
    }
    return null;
  }

  static Bom bom() throws Exception {
    Document doc = parse(Files.readString(ROOT.resolve("bom/pom.xml")));
    Element project = doc.getDocumentElement();
    Map<String, String> managed = new LinkedHashMap<>();
    NodeList deps = doc.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      managed.put(child(d, "artifactId"), child(d, "groupId"));
    }
    return new Bom(child(project, "groupId"), child(project, "artifactId"), child(project, "version"), managed);
  }

  /** The artifactId of the module in {@code dir}, when the BOM manages it; else null. */
  private static String moduleArtifact(Path dir) throws Exception {
    Path pom = dir.resolve("pom.xml");
    if (!Files.isRegularFile(pom)) {
      return null;
    }
    String artifact = child(parse(Files.readString(pom)).getDocumentElement(), "artifactId");
    return bom().managed().containsKey(artifact) ? artifact : null;
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
  }

  private static List<Path> readmes() throws IOException {
    Map<String, Path> found = new TreeMap<>();
    Set<String> skipped = Set.of(".git", "target", "node_modules");
    Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
        return !dir.equals(ROOT) && (skipped.contains(n) || n.endsWith("-data"))
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (file.getFileName().toString().equals("README.md")) {
          found.put(file.toString(), file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return List.copyOf(found.values());
  }
}
