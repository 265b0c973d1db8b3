package dev.tenantwright.plugin.frappe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.spi.CommandResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTest {

  static CommandResult failed(String stdout) {
    return new CommandResult(List.of("bench"), 1, stdout, "", Duration.ZERO);
  }

  @Test
  void f3_bothFrappeV15sAndTheOlderMissingBackupMessagesMeanTheBaselineIsGone() {
    String file = "./a.example/private/tenantwright-baseline/baseline-a.sql.gz";
    assertThat(Bench.backupMissing(failed("File " + file + " not found. Trying to check in alternative directories.\n"
        + "File " + file + " not found.\n"), file)).isTrue();
    assertThat(Bench.backupMissing(failed("Invalid path " + file + "\n"), file)).as("v12-v14").isTrue();
    assertThat(Bench.backupMissing(failed("File " + file + " not found. Trying to check in alternative directories.\n"
        + "File /home/frappe/frappe-bench/sites/x.sql.gz found.\n"
        + "pymysql.err.OperationalError: (1045, \"Access denied\")\n"), file))
        .as("found elsewhere, then failed for another reason").isFalse();
  }

  @Test
  void f7_theStringsFrappeCoercesAreComparedAsWhatItStores() {
    assertThat(Bench.asStored("1")).isEqualTo(1);
    assertThat(Bench.asStored("0")).isEqualTo(0);
    assertThat(Bench.asStored("true")).isEqualTo(true);
    assertThat(Bench.asStored("false")).isEqualTo(false);
    assertThat(Bench.asStored("True")).as("only the lower-case words").isEqualTo("True");
    assertThat(Bench.asStored("10")).isEqualTo("10");
    assertThat(Bench.asStored(5)).isEqualTo(5);
  }
}
