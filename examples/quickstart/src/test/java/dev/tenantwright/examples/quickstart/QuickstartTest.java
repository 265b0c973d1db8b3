package dev.tenantwright.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart runs end to end and ends with every environment READY, twice in a row on one journal. */
class QuickstartTest {

  @TempDir
  Path data;

  @AfterEach
  void stopSandbox() {
    SandboxSite.stopAll();
  }

  private String run() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code = Quickstart.run(new PrintStream(buf, true, StandardCharsets.UTF_8), "--data", data.toString());
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    return out;
  }

  @Test
  void provisionsDemoLiveAndATestInstanceToReady() {
    String out = run();
    assertThat(out).contains("SANDBOX").contains("id 'abc-corporation'").contains("All environments READY.");
    assertThat(out).containsPattern("demo +READY").containsPattern("live +READY").containsPattern("test-checkout +READY");
    assertThat(out).contains("sample-data").contains("{value=******}");
  }

  @Test
  void aSecondRunDestroysTheOldWorldAndProvisionsAgain() {
    run();
    String again = run();
    assertThat(again).contains("Destroying demo from an earlier run first").contains("All environments READY.");
  }
}
