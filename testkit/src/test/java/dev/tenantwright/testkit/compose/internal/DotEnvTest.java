package dev.tenantwright.testkit.compose.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link DotEnv} against the cases of compose-go {@code dotenv/godotenv_test.go} and {@code parser_test.go}. */
class DotEnvTest {

  static Map<String, String> parse(String text) {
    return parse(text, Map.of());
  }

  static Map<String, String> parse(String text, Map<String, String> process) {
    Map<String, String> out = new LinkedHashMap<>();
    return DotEnv.parse(text, k -> process.containsKey(k) ? process.get(k) : out.get(k), out, new TreeSet<>());
  }

  static String value(String line) {
    Map<String, String> m = parse(line);
    assertThat(m).as(line).hasSize(1);
    return m.values().iterator().next();
  }

  @Test
  void unquotedValuesAreTrimmedAndEndAtASpaceHash() {
    assertThat(parse("FOO=bar")).containsEntry("FOO", "bar");
    assertThat(parse("FOO =bar")).containsEntry("FOO", "bar");
    assertThat(parse("FOO= bar")).containsEntry("FOO", "bar");
    assertThat(value("FOO=bar ")).isEqualTo("bar");
    assertThat(value("FOO=bar # this is foo")).isEqualTo("bar");
    assertThat(value("FOO=bar #")).isEqualTo("bar");
    assertThat(value("FOO=123#not-an-inline-comment")).isEqualTo("123#not-an-inline-comment");
    assertThat(value("FOO=foobar=")).isEqualTo("foobar=");
    assertThat(value("FOO=a\\tb")).isEqualTo("a\\tb");
    assertThat(parse("OPTION_A: Foo=bar")).containsEntry("OPTION_A", "Foo=bar");
    assertThat(parse("OPTION_A=1:B")).containsEntry("OPTION_A", "1:B");
    assertThat(parse("FOO.BAR=foobar")).containsEntry("FOO.BAR", "foobar");
    assertThat(parse("=\"value\"")).containsEntry("", "value");
  }

  @Test
  void exportCommentsAndBlankLinesAreSkipped() {
    assertThat(parse("export OPTION_A=2")).containsEntry("OPTION_A", "2");
    assertThat(parse("export exportFoo=2")).containsEntry("exportFoo", "2");
    assertThat(parse("exportFOO=2")).containsEntry("exportFOO", "2");
    assertThat(parse("\texport OPTION_A=2")).containsEntry("OPTION_A", "2");
    assertThat(parse("# a comment\n\n  \r\nA=1\n#B=2\n")).containsExactly(Map.entry("A", "1"));
    assertThat(parse("\uFEFFA=1")).containsEntry("A", "1");
  }

  @Test
  void quotedValuesKeepTheirTextAndMaySpanLines() {
    assertThat(value("FOO='bar'")).isEqualTo("bar");
    assertThat(value("FOO=\"bar\"")).isEqualTo("bar");
    assertThat(value("OPTION_D='\\n'")).isEqualTo("\\n");
    assertThat(value("OPTION_H=\"\\n\"")).isEqualTo("\n");
    assertThat(value("OPTION_I = \"echo 'asd'\" # Inline comment")).isEqualTo("echo 'asd'");
    assertThat(value("OPTION_J = 'first line\nsecond line'")).isEqualTo("first line\nsecond line");
    assertThat(value("OPTION_K='Let\\'s go!'")).isEqualTo("Let's go!");
    assertThat(value("FOO=\"escaped\\\"bar\"")).isEqualTo("escaped\"bar");
    assertThat(value("FOO=\"'d'\"")).isEqualTo("'d'");
    assertThat(value("FOO='bar#baz' # comment")).isEqualTo("bar#baz");
    assertThat(value("FOO='a\\\\b'")).as("single quotes keep both backslashes").isEqualTo("a\\\\b");
    assertThat(value("FOO='$x ${y}'")).as("single quotes are literal").isEqualTo("$x ${y}");
  }

  @Test
  void doubleQuotedEscapesAsComposeGoDoes() {
    assertThat(value("KEY=\"Z\\aZ\\bZ\\fZ\\nZ\\rZ\\tZ\\vZ\\\\Z\\0123Z\""))
        .isEqualTo("Z\u0007Z\bZ\fZ\nZ\rZ\tZ\u000BZ\\ZSZ");
    assertThat(value("FOO=\"bar\\n\\ b\\az\"")).isEqualTo("bar\n\\ b\u0007z");
    assertThat(value("FOO=\"bar\\nbaz\\\\\"")).isEqualTo("bar\nbaz\\");
    assertThat(value("KEY=\"\\x07\"")).isEqualTo("\\x07");
    assertThat(value("KEY=\"\\u12e4\"")).isEqualTo("\\u12e4");
    assertThat(value("KEY=\"\\$HOME\"")).as("\\$ is a literal dollar").isEqualTo("$HOME");
  }

  @Test
  void aTrailingBackslashEscapesTheClosingQuoteAndTheNextLineBecomesStatements() {
    Map<String, String> m = parse("A='x\\'\nB='DB=${HOST_ONLY} #'\n", Map.of("HOST_ONLY", "host-token"));

    assertThat(m).containsEntry("A", "x'\nB=").containsEntry("DB", "host-token")
        .doesNotContainKey("B");
  }

  @Test
  void unquotedAndDoubleQuotedValuesInterpolateProcessFirstThenEarlierValues() {
    Map<String, String> m = parse("A=one\nB=${A}-$A\nC=\"${A:-x}\"\nD='${A}'\nHOME=file\nE=${HOME}\nINHERITED\n",
        Map.of("HOME", "/root", "INHERITED", "from-process"));

    assertThat(m).containsEntry("B", "one-one").containsEntry("C", "one").containsEntry("D", "${A}")
        .containsEntry("E", "/root").containsEntry("INHERITED", "from-process");
    assertThat(parse("NOT_SET_ANYWHERE\nX=1")).doesNotContainKey("NOT_SET_ANYWHERE");
  }

  @Test
  void malformedFilesFailWithComposeGosMessages() {
    assertThatThrownBy(() -> parse("lol$wut")).hasMessageContaining("unexpected character \"$\" in variable name");
    for (String unterminated : new String[] {"KEY=\"", "KEY=\"value", "KEY=\"value\\\"", "KEY='value\\'", "KEY='"}) {
      assertThatThrownBy(() -> parse(unterminated)).as(unterminated).hasMessageContaining("unterminated quoted value");
    }
    assertThatThrownBy(() -> parse("A B=1")).hasMessageContaining("key cannot contain a space");
    assertThatThrownBy(() -> parse("A=${}")).hasMessageContaining("Invalid template");
  }
}
