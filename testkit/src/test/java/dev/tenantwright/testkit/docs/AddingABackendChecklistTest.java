package dev.tenantwright.testkit.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code docs/adding-a-backend.md} true: its checklist tables hold for every backend module under
 * {@code plugins/}, and every file that names all the backends is in the guide.
 *
 * <p>It lives in the test kit because every plugin's build runs it ({@code -am} builds the test kit first), the test
 * kit's tests run one folder below the repository root, and it needs nothing but the files.
 */
class AddingABackendChecklistTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final String GUIDE = "docs/adding-a-backend.md";

  @Test
  void theChecklistHoldsForEveryBackendModule() throws IOException {
    BackendChecklist checklist = new BackendChecklist(ROOT, GUIDE);

    assertThat(checklist.backends()).as("backend modules in plugins/").hasSizeGreaterThanOrEqualTo(2);
    assertThat(checklist.rows()).as("rows read from " + GUIDE).hasSizeGreaterThanOrEqualTo(10);
    assertThat(checklist.problems()).as(GUIDE + " disagrees with the tree").isEmpty();
  }

  // The checker itself, on a small tree: each way a guide can be wrong is reported.

  @TempDir
  Path tree;

  Path tree(String bom) throws IOException {
    for (String module : new String[] {"support", "alpha", "beta"}) {
      Files.createDirectories(tree.resolve("plugins").resolve(module));
      Files.writeString(tree.resolve("plugins").resolve(module).resolve("pom.xml"), "<project/>");
    }
    Files.createDirectories(tree.resolve("bom"));
    Files.writeString(tree.resolve("bom/pom.xml"), bom);
    Files.createDirectories(tree.resolve("docs"));
    Files.createDirectories(tree.resolve("fakes/alpha"));
    Files.writeString(tree.resolve("fakes/alpha/AlphaFake.java"), "class AlphaFake {}");
    return tree;
  }

  BackendChecklist guide(String rows, String places) throws IOException {
    Files.writeString(tree.resolve("docs/guide.md"), "# Guide\n\n" + BackendChecklist.ROW_HEADER + "\n|---|---|---|---|---|\n"
        + rows + "\n\n" + BackendChecklist.PLACES_HEADER + "\n|---|---|\n" + places + "\n");
    return new BackendChecklist(tree, "docs/guide.md");
  }

  @Test
  void aRowThatDoesNotHoldForABackendIsReported() throws IOException {
    tree("<artifactId>tenantwright-plugin-alpha</artifactId>");
    BackendChecklist checklist = guide(
        "| 1 | `bom/pom.xml` | contains `<artifactId>tenantwright-plugin-<backend></artifactId>` | all | versions |", "");

    assertThat(checklist.problems()).singleElement().asString()
        .contains("row 1 (bom/pom.xml").contains("does not hold for 'beta'")
        .contains("should contain '<artifactId>tenantwright-plugin-beta</artifactId>'");
  }

  @Test
  void aBackendThatDoesWhatAnExemptionSaysItDoesNotIsReported() throws IOException {
    tree("tenantwright-plugin-alpha tenantwright-plugin-beta");
    BackendChecklist checklist = guide(
        "| 1 | `fakes/<backend>/*Fake.java` | exists | only beta | the fake |\n"
            + "| 2 | `bom/pom.xml` | contains `tenantwright-plugin-<backend>` | all except alpha | versions |", "");

    assertThat(checklist.problems()).containsExactlyInAnyOrder(
        "Guide row 1 (fakes/<backend>/*Fake.java, exists) holds for 'alpha', which the row does not list: add it to "
            + "'only ...'",
        "Guide row 1 (fakes/<backend>/*Fake.java, exists) does not hold for 'beta': fakes/beta/*Fake.java does not exist",
        "Guide row 2 (bom/pom.xml, contains 'tenantwright-plugin-<backend>') holds for 'alpha', which the row exempts: "
            + "take it out of 'all except ...'");
  }

  @Test
  void aRowNamingNoBackendModuleAndAMalformedRowAreReported() throws IOException {
    tree("tenantwright-plugin-alpha tenantwright-plugin-beta");
    BackendChecklist checklist = guide(
        "| 1 | `bom/pom.xml` | contains `tenantwright-plugin-<backend>` | all except gamma | versions |\n"
            + "| 2 | bom/pom.xml | has it | all | no code span, no known check |", "");

    assertThat(checklist.problems()).hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("names 'gamma', which is no backend module"))
        .anySatisfy(p -> assertThat(p).contains("row 2 needs a `path` and a check"));
  }

  @Test
  void aFileNamingTheBackendsThatTheGuideDoesNotKnowIsReported() throws IOException {
    tree("tenantwright-plugin-alpha tenantwright-plugin-beta");
    Files.writeString(tree.resolve("README.md"), "Backends: Alpha and beta.");
    Files.writeString(tree.resolve("NOTES.md"), "alpha, beta");
    BackendChecklist checklist = guide(
        "| 1 | `bom/pom.xml` | contains `tenantwright-plugin-<backend>` | all | versions |\n"
            + "| 2 | `README.md` | mentions `<backend>` | all | the list |",
        "| `gone.md` | removed since |");

    assertThat(checklist.problems()).containsExactlyInAnyOrder(
        "the places table lists gone.md, which does not exist: take it out",
        "NOTES.md names 1 or more of the backends [alpha, beta] but is not in docs/guide.md: add a checklist row for "
            + "it, or list it under 'Places that name the backends' with why a new backend needs no change there");
  }

  @Test
  void aFakeHeadingIsCheckedForEveryFakeClassAndMissingForABackendWithoutOne() throws IOException {
    tree("x");
    Files.writeString(tree.resolve("fakes.md"), "### AlphaFake\n");
    BackendChecklist checklist = guide("| 1 | `fakes.md` | contains `### <Fake>` | all | the fake's section |", "");
    String template = "testkit/src/main/java/dev/tenantwright/testkit/<backend>/*Fake.java";
    Files.createDirectories(tree.resolve("testkit/src/main/java/dev/tenantwright/testkit/alpha"));
    Files.writeString(tree.resolve(template.replace("<backend>", "alpha").replace("*", "Alpha")), "");

    assertThat(checklist.problems()).singleElement().asString()
        .contains("does not hold for 'beta'").contains("there is no " + template.replace("<backend>", "beta"));
  }
}
