package dev.tenantwright.plugin.frappe;

import dev.tenantwright.testkit.CommandFault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The same conformance checks with bench reached over ssh: every command string goes through the fake's POSIX
 * shell interpreter and every secret through ssh's stdin.
 */
class FrappeSiteSshConformanceTest extends FrappeSiteConformanceTest {

  @Override
  Map<String, Object> transportConfig() {
    return TestConfigs.ssh();
  }

  @Override
  protected List<ErrorCase> errorCases() {
    List<ErrorCase> cases = new ArrayList<>(super.errorCases());
    cases.add(new ErrorCase("ssh cannot connect (exit 255)", () -> runner.inject(CommandFault.exit(255,
        "ssh: connect to host bench.example.test port 2222: Connection refused").on("ssh").times(1)), true));
    return cases;
  }
}
