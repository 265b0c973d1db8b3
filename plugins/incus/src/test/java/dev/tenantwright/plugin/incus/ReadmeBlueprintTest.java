package dev.tenantwright.plugin.incus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Plan;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.ReadmeSnippets;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's blueprint loads, binds to the plugin's types and plans without touching a backend. */
class ReadmeBlueprintTest {

  @TempDir Path dir;

  @Test
  void theReadmeBlueprintIsValidAgainstTheIncusTypes() throws IOException {
    Blueprint bp = Blueprint.fromYaml("plugins/incus/README.md", ReadmeSnippets.firstYamlBlock(Path.of("README.md")));
    assertThat(bp.resource("erp")).get().extracting(r -> r.type()).isEqualTo(IncusInstanceType.TYPE);

    try (Tenantwright tw = Tenantwright.builder()
        .embedded(dir)
        .classpathPlugins(false)
        .resourceType(new IncusInstanceType())
        .resourceType(new IncusExecType())
        .blueprint(bp)
        .build()) {
      Tenant t = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
      Plan plan = tw.environments().plan(t.id(), "demo", RunKind.PROVISION, RunOptions.defaults());
      assertThat(plan.toString()).contains("erp").contains("admin-password").contains("port").contains("sample-data");
      Plan live = tw.environments().plan(t.id(), "live", RunKind.PROVISION, RunOptions.defaults());
      assertThat(live.toString()).contains("erp").doesNotContain("sample-data");
    }
  }

  @Test
  void theExampleBlueprintIsValidAgainstTheIncusTypes() {
    Blueprint bp = Blueprint.fromYaml(ErpBlueprintTest.example());
    try (Tenantwright tw = Tenantwright.builder()
        .embedded(dir)
        .classpathPlugins(false)
        .resourceType(new IncusInstanceType())
        .resourceType(new IncusExecType())
        .secret("unused", Secret.of("unused-secret"))
        .blueprint(bp)
        .build()) {
      assertThat(tw.blueprints()).contains("erp-incus");
    }
  }
}
