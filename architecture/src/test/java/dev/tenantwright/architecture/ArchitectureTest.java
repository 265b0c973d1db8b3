package dev.tenantwright.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries the repository promises, checked on every module's compiled classes (main and test): an
 * {@code internal} package is used only by the package that owns it (core's engine by core, a plugin's client by
 * that plugin, the test kit's plumbing by the test kit), so a plugin, the test kit, the server or an example that
 * imports one fails the build; and the SPI depends on nothing but the JDK, PF4J and SLF4J.
 *
 * <p>Reads {@code target/classes} and {@code target/test-classes} of every module under the repository root (the
 * module is built last); a module with sources but no classes fails the test rather than passing it unread.
 */
class ArchitectureTest {

  private static final Path ROOT = Path.of(System.getProperty("tenantwright.root", "..")).toAbsolutePath().normalize();
  private static final Pattern INTERNAL = Pattern.compile("^(.*?)\\.internal(\\..*)?$");

  private static JavaClasses all;
  private static JavaClasses main;
  private static List<Path> modules;

  @BeforeAll
  static void importEveryModule() {
    modules = modules();
    List<Path> dirs = new ArrayList<>();
    List<Path> mainDirs = new ArrayList<>();
    for (Path module : modules) {
      Path classes = module.resolve("target/classes");
      if (!Files.isDirectory(classes)) {
        throw new IllegalStateException(ROOT.relativize(module) + " has sources but no target/classes: build the "
            + "whole repository (mvn verify from the root) before this module");
      }
      dirs.add(classes);
      mainDirs.add(classes);
      if (Files.isDirectory(module.resolve("target/test-classes"))) {
        dirs.add(module.resolve("target/test-classes"));
      }
    }
    all = new ClassFileImporter().importPaths(dirs);
    main = new ClassFileImporter().importPaths(mainDirs);
  }

  @Test
  void anInternalPackageIsUsedOnlyByThePackageThatOwnsIt() {
    internalsStayWithTheirOwner().check(all);
  }

  @Test
  void theSpiDependsOnTheJdkPf4jAndSlf4jOnly() {
    classes().that().resideInAPackage("dev.tenantwright.spi..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.tenantwright.spi..", "org.pf4j..",
            "org.slf4j..")
        .check(main);
  }

  @Test
  void everyModuleWasReadSoTheRulesCannotPassUnread() {
    Set<String> packages = all.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());
    List<String> expected = new ArrayList<>(List.of("dev.tenantwright.spi", "dev.tenantwright.core",
        "dev.tenantwright.testkit", "dev.tenantwright.server", "dev.tenantwright.cli", "dev.tenantwright.spring",
        "dev.tenantwright.micrometer", "dev.tenantwright.opentelemetry"));
    for (Path module : modules) {
      Path parent = module.getParent();
      if (parent.endsWith("plugins")) {
        expected.add("dev.tenantwright.plugin." + module.getFileName());
      } else if (parent.endsWith("examples")) {
        expected.add("dev.tenantwright.examples." + module.getFileName());
      }
    }
    assertThat(packages).containsAll(expected);
    assertThat(modules).hasSizeGreaterThanOrEqualTo(expected.size());
  }

  @Test
  void theRuleFailsWhenAnotherPackageReachesIntoAnInternalOne() {
    JavaClasses fixture = new ClassFileImporter().importPackages("dev.tenantwright.architecture.fixture");

    EvaluationResult result = internalsStayWithTheirOwner().evaluate(fixture);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails()).singleElement().asString()
        .contains("fixture.outside.Peeker").contains("fixture.owner.internal.Hidden");
  }

  private static ArchRule internalsStayWithTheirOwner() {
    return classes().should(new ArchCondition<JavaClass>("use an internal package only from the package owning it") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (Dependency d : origin.getDirectDependenciesFromSelf()) {
          Matcher m = INTERNAL.matcher(d.getTargetClass().getPackageName());
          if (!m.matches() || !m.group(1).startsWith("dev.tenantwright")) {
            continue;
          }
          String owner = m.group(1);
          String from = origin.getPackageName();
          if (!from.equals(owner) && !from.startsWith(owner + ".")) {
            events.add(SimpleConditionEvent.violated(d, d.getDescription() + ": " + d.getTargetClass().getPackageName()
                + " belongs to " + owner));
          }
        }
      }
    }).allowEmptyShould(false);
  }

  /** Every Maven module of the repository with Java sources, but this one. */
  private static List<Path> modules() {
    try (Stream<Path> walk = Files.walk(ROOT, 6)) {
      return walk.filter(p -> p.endsWith(Path.of("src", "main", "java")) || p.endsWith(Path.of("src", "test", "java")))
          .map(p -> p.getParent().getParent().getParent())
          .filter(m -> Files.isRegularFile(m.resolve("pom.xml")))
          .filter(m -> !m.toString().contains("/target/") && !m.equals(ROOT.resolve("architecture")))
          .distinct().sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
