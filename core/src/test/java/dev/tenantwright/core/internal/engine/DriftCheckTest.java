package dev.tenantwright.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.DriftStatus;
import dev.tenantwright.spi.Observed;
import dev.tenantwright.spi.Secret;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What counts as drift between recorded and current outputs, and what a finding shows. */
class DriftCheckTest {

  record Port(int published, @Observed String hostIp) {}

  record Out(String content, @Observed String health, Secret token, List<Port> ports, Map<String, String> labels) {}

  private static Out out(String content, String health, String token, String hostIp, String label) {
    return new Out(content, health, Secret.of(token), List.of(new Port(8080, hostIp)), Map.of("team", label));
  }

  @Test
  void theSameObjectIsInSyncAndNothingIsGone() {
    var f = DriftCheck.compare(out("a", "healthy", "t", "0.0.0.0", "x"),
        Optional.of(out("a", "healthy", "t", "0.0.0.0", "x")));
    assertThat(f.status()).isEqualTo(DriftStatus.IN_SYNC);
    assertThat(DriftCheck.compare(out("a", "h", "t", "i", "x"), Optional.empty()).status()).isEqualTo(DriftStatus.GONE);
  }

  @Test
  void observedFieldsNeverCountAlsoInNestedRecordsButEverythingElseIsNamed() {
    var f = DriftCheck.compare(out("a", "starting", "t", "0.0.0.0", "x"),
        Optional.of(out("a", "healthy", "t", "127.0.0.1", "x")));
    assertThat(f.status()).isEqualTo(DriftStatus.IN_SYNC);

    var changed = DriftCheck.compare(out("a", "healthy", "t", "i", "x"),
        Optional.of(new Out("b", "healthy", Secret.of("u"), List.of(new Port(9090, "i")), Map.of("team", "y"))));
    assertThat(changed.status()).isEqualTo(DriftStatus.CHANGED);
    assertThat(changed.fields()).containsExactly("content", "token", "ports", "labels");
  }

  @Test
  void aFindingShowsFieldNamesNeverValues() {
    var f = DriftCheck.compare(out("a", "h", "old-secret-value", "i", "x"),
        Optional.of(out("a", "h", "new-secret-value", "i", "x")));
    String written = DriftCheck.write(f);
    assertThat(written).contains("token").doesNotContain("secret-value");
    assertThat(f.message()).isEqualTo("changed outside Tenantwright: token");
    var read = DriftCheck.read("web", "compose.project", "CREATED", written).orElseThrow();
    assertThat(read.status()).isEqualTo(DriftStatus.CHANGED);
    assertThat(read.fields()).containsExactly("token");
    assertThat(DriftCheck.read("web", "t", "CREATED", "{\"id\":\"an ordinary output\"}")).isEmpty();
    assertThat(DriftCheck.read("web", "t", "CREATED", null)).isEmpty();
  }
}
