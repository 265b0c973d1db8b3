package dev.tenantwright.testkit.compose.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link Template} against the cases of compose-go {@code template/template_test.go}. */
class TemplateTest {

  static final Map<String, String> DEFAULTS = new HashMap<>(Map.of("FOO", "first", "BAR", "", "JSON", "{\"json\":2}"));

  static String sub(String template) {
    return Template.substitute(template, DEFAULTS::get, new TreeSet<>());
  }

  @Test
  void doubleDollarIsALiteralDollarAndALoneDollarStays() {
    assertThat(sub("$${foo}")).isEqualTo("${foo}");
    assertThat(sub("foo")).isEqualTo("foo");
    for (String literal : new String[] {"a $ string", "^REGEX$", "$}", "$", "$5 off"}) {
      assertThat(sub(literal)).isEqualTo(literal);
    }
  }

  @Test
  void invalidTemplatesAreRefused() {
    for (String invalid : new String[] {"${", "${}", "${ }", "${ foo}", "${foo }", "${foo!}", "${1}"}) {
      assertThatThrownBy(() -> sub(invalid)).as(invalid).isInstanceOf(Template.TemplateException.class)
          .hasMessageContaining("Invalid template");
    }
  }

  @Test
  void plainBracedAndUnsetReferences() {
    Set<String> unset = new TreeSet<>();
    assertThat(Template.substitute("This ${missing} var", DEFAULTS::get, unset)).isEqualTo("This  var");
    assertThat(unset).containsExactly("missing");
    assertThat(sub("This ${BAR} var")).isEqualTo("This  var");
    assertThat(sub("This $FOO var")).isEqualTo("This first var");
    assertThat(sub("This ${FOO} var")).isEqualTo("This first var");
    assertThat(sub("$FOO-bar")).as("docker/compose#8601").isEqualTo("first-bar");
    assertThat(sub("${foo}")).as("names are looked up as written").isEmpty();
  }

  @Test
  void defaultsAlternativesAndRequiredValues() {
    assertThat(sub("ok ${missing:-def}")).isEqualTo("ok def");
    assertThat(sub("ok ${missing-def}")).isEqualTo("ok def");
    assertThat(sub("ok ${BAR:-def}")).isEqualTo("ok def");
    assertThat(sub("ok ${BAR-def}")).isEqualTo("ok ");
    assertThat(sub("ok ${UNSET_VAR:+presence_value}")).isEqualTo("ok ");
    assertThat(sub("ok ${UNSET_VAR+presence_value}")).isEqualTo("ok ");
    assertThat(sub("ok ${FOO:+presence_value}")).isEqualTo("ok presence_value");
    assertThat(sub("ok ${BAR+presence_value}")).isEqualTo("ok presence_value");
    assertThat(sub("ok ${BAR:+presence_value}")).isEqualTo("ok ");
    assertThat(sub("ok ${BAR:-/non:-alphanumeric}")).isEqualTo("ok /non:-alphanumeric");
    assertThat(sub("ok ${FOO:?err}")).isEqualTo("ok first");
    assertThat(sub("ok ${BAR?err}")).isEqualTo("ok ");
    assertThatThrownBy(() -> sub("not ok ${UNSET_VAR:?Mandatory Variable Unset}"))
        .hasMessage("required variable UNSET_VAR is missing a value: Mandatory Variable Unset");
    assertThatThrownBy(() -> sub("not ok ${BAR:?Mandatory Variable Empty}"))
        .hasMessage("required variable BAR is missing a value: Mandatory Variable Empty");
    assertThatThrownBy(() -> sub("not ok ${UNSET_VAR:?}")).hasMessage("required variable UNSET_VAR is missing a value");
    assertThatThrownBy(() -> sub("not ok ${UNSET_VAR?}")).hasMessage("required variable UNSET_VAR is missing a value");
  }

  @Test
  void outerTextDoesNotInterfereAndDefaultsNest() {
    assertThat(sub("+ok ${UNSET:-${BAR-defaultValue}}")).isEqualTo("+ok ");
    assertThat(sub(":-ok ${UNSET-defaultValue}")).isEqualTo(":-ok defaultValue");
    assertThat(sub(":?ok ${BAR:-defaultValue}")).isEqualTo(":?ok defaultValue");
    assertThat(sub("ok ${UNSET_VAR-$FOO}")).isEqualTo("ok first");
    assertThat(sub("ok ${UNSET_VAR-${FOO} ${FOO}}")).isEqualTo("ok first first");
    assertThat(sub("ok ${BAR+$FOO ${FOO:+second}}")).isEqualTo("ok first second");
    assertThat(sub("${missing:-a}${FOO}")).isEqualTo("afirst");
    assertThat(sub("${missing:-a}-${missing2:-b}")).isEqualTo("a-b");
  }
}
