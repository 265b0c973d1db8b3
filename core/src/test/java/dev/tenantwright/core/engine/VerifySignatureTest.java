package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.StepContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host checks a push webhook against the environment's generated secret without the secret leaving the SDK. */
class VerifySignatureTest {

  @TempDir
  Path dir;

  /** Plays the backend that was given the secret (GitHub, when a github.webhook step registers it). */
  static final class Backend implements ProvisioningStep<Map<String, Object>, Map<String, Object>> {
    final Map<String, String> given = new ConcurrentHashMap<>();

    @Override
    public String type() {
      return "host.hook";
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public Class<Map<String, Object>> parametersType() {
      return (Class) Map.class;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public Class<Map<String, Object>> outputType() {
      return (Class) Map.class;
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> parameters, StepContext ctx) {
      given.put(ctx.tenant().id() + "/" + ctx.environment().name(), ctx.secret("webhook-secret").orElseThrow().reveal());
      return Map.of();
    }

    @Override
    public void compensate(Map<String, Object> parameters, Map<String, Object> outputs, StepContext ctx) {}
  }

  static String sign(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void aDeliveryIsCheckedAgainstItsOwnEnvironmentsSecretOnly() throws Exception {
    Backend backend = new Backend();
    Blueprint bp = Blueprint.builder("site")
        .resource("webhook-secret", "secret", r -> r.param("length", 40))
        .resource("hook", "host.hook", r -> r.needs("webhook-secret"))
        .build();
    try (Tenantwright tw = Stores.h2(dir).blueprint(bp).step(backend).build()) {
      Tenant a = tw.tenants().create(NewTenant.company("Acme").email("ops@acme.example"));
      Tenant b = tw.tenants().create(NewTenant.company("Bolt").email("ops@bolt.example"));
      for (Tenant t : new Tenant[] {a, b}) {
        assertThat(tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(Duration.ofSeconds(30)).state())
            .isEqualTo(RunState.SUCCEEDED);
      }
      byte[] body = "{\"ref\":\"refs/heads/main\",\"after\":\"abc123\"}".getBytes(StandardCharsets.UTF_8);
      String acmeSig = sign(backend.given.get("acme/live"), body);

      assertThat(tw.environments().verifySignature("acme", "live", "webhook-secret", body, acmeSig)).isTrue();
      // another tenant's secret, a changed body, a wrong header, a resource that is not a secret: refused
      assertThat(tw.environments().verifySignature("bolt", "live", "webhook-secret", body, acmeSig)).isFalse();
      assertThat(tw.environments().verifySignature("acme", "live", "webhook-secret",
          "{\"ref\":\"refs/heads/evil\"}".getBytes(StandardCharsets.UTF_8), acmeSig)).isFalse();
      assertThat(tw.environments().verifySignature("acme", "live", "webhook-secret", body, acmeSig.substring(7)))
          .isFalse();
      assertThat(tw.environments().verifySignature("acme", "live", "webhook-secret", body, "sha256=zz")).isFalse();
      assertThat(tw.environments().verifySignature("acme", "live", "hook", body, acmeSig)).isFalse();
      assertThat(tw.environments().verifySignature("acme", "demo", "webhook-secret", body, acmeSig)).isFalse();
      assertThat(tw.environments().verifySignature("acme", "live", "webhook-secret", body, null)).isFalse();

      tw.environments().destroy("acme", "live", RunOptions.defaults().approval("ops", "test")).await(Duration.ofSeconds(30));
      assertThat(tw.environments().verifySignature("acme", "live", "webhook-secret", body, acmeSig)).isFalse();
    }
  }
}
