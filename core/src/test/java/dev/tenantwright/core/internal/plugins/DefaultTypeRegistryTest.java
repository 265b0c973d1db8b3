package dev.tenantwright.core.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.PluginLoadException;
import dev.tenantwright.core.internal.types.CoreTypes;
import dev.tenantwright.core.internal.types.StepContextFake;
import dev.tenantwright.core.internal.types.InMemoryPortAllocator;
import dev.tenantwright.core.internal.types.PortRange;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultTypeRegistryTest {

  private final StepContextFake ctx = StepContextFake.create();

  @Test
  void listsCoreHostAndPluginTypesInNameOrder() {
    TypeRegistry registry = DefaultTypeRegistry.builder()
        .addResourceTypes(CoreTypes.create(new InMemoryPortAllocator(), PortRange.DEFAULT,
            CoreTypes.defaultHttpClient(), dev.tenantwright.core.internal.net.EgressPolicy.DEFAULT), TypeHandles.CORE)
        .addStep(new TestTypes.Step("host.register-tenant"), TypeHandles.HOST)
        .add(TypeHandles.forResource(new TestTypes.Plain("vercel.project"), "tenantwright.vercel"))
        .build();

    assertThat(registry.all()).extracting(TypeHandle::type)
        .containsExactly("host.register-tenant", "http.health-check", "port", "secret", "tls.certificate",
            "vercel.project");
    assertThat(registry.find("vercel.project")).get()
        .satisfies(h -> assertThat(h.origin()).isEqualTo("tenantwright.vercel"))
        .satisfies(h -> assertThat(h.backend()).isEqualTo("vercel"));
    assertThat(registry.find("secret")).get().satisfies(h -> assertThat(h.origin()).isEqualTo("core"));
    assertThat(registry.find("incus.instance")).isEmpty();
  }

  @Test
  void refusesTwoContributionsOfOneNameNamingBothOrigins() {
    DefaultTypeRegistry.Builder builder = DefaultTypeRegistry.builder()
        .add(TypeHandles.forResource(new TestTypes.Plain("vercel.project"), "tenantwright.vercel"))
        .add(TypeHandles.forStep(new TestTypes.Step("vercel.project"), "acme.vercel-fork"));

    assertThatThrownBy(builder::build)
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("type 'vercel.project'")
        .hasMessageContaining("plugin 'tenantwright.vercel'")
        .hasMessageContaining("plugin 'acme.vercel-fork'");
  }

  @Test
  void refusesAnInvalidTypeNameNamingTheOrigin() {
    for (String bad : new String[] {"Vercel.project", "vercel..project", "vercel.", "1vercel", "vercel_project", ""}) {
      assertThatThrownBy(() -> TypeHandles.forResource(new TestTypes.Plain(bad), "acme"))
          .isInstanceOf(PluginLoadException.class)
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("plugin 'acme'");
    }
    assertThat(TypeHandles.forResource(new TestTypes.Plain("cloudflare.dns-record"), "x").type())
        .isEqualTo("cloudflare.dns-record");
  }

  @Test
  void adaptsAPlainResourceTypeWithoutOptionalCapabilities() {
    TestTypes.Plain plain = new TestTypes.Plain("acme.thing");
    TypeHandle h = TypeHandles.forResource(plain, TypeHandles.HOST);

    CreateResult<Object> created = h.create(new TestTypes.Spec("a"), ctx);
    Optional<Object> read = h.read(new TestTypes.Spec("a"), created.outputs(), ctx);
    h.delete(new TestTypes.Spec("a"), created.outputs(), ctx);

    assertThat(created.origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(read).contains(new TestTypes.Out("a"));
    assertThat(plain.calls).containsExactly("create a", "read", "delete a");
    assertThat(h.isStep()).isFalse();
    assertThat(h.dataBearing()).isFalse();
    assertThat(h.canUpdate()).isFalse();
    assertThat(h.canReset()).isFalse();
    assertThat(h.canPromote()).isFalse();
    assertThatThrownBy(() -> h.update(new TestTypes.Spec("b"), new TestTypes.Spec("a"), new TestTypes.Out("a"), ctx))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'acme.thing'");
    assertThatThrownBy(() -> h.reset(new TestTypes.Spec("a"), new TestTypes.Out("a"), ctx))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'acme.thing'");
    assertThatThrownBy(() -> h.promote(null, null, null, null, ctx))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'acme.thing'");
  }

  @Test
  void detectsAndDelegatesOptionalCapabilities() {
    TestTypes.Capable capable = new TestTypes.Capable("acme.db");
    TypeHandle h = TypeHandles.forResource(capable, TypeHandles.HOST);

    Object updated = h.update(new TestTypes.Spec("v2"), new TestTypes.Spec("v1"), new TestTypes.Out("v1"), ctx);
    Object reset = h.reset(new TestTypes.Spec("v2"), new TestTypes.Out("v2"), ctx);
    Object promoted = h.promote(new TestTypes.Spec("live"), new TestTypes.Out("live"), new TestTypes.Spec("t1"),
        new TestTypes.Out("t1"), ctx);

    assertThat(h.canUpdate()).isTrue();
    assertThat(h.canReset()).isTrue();
    assertThat(h.canPromote()).isTrue();
    assertThat(h.dataBearing()).isTrue();
    assertThat(h.backend()).isEqualTo("capable");
    assertThat(updated).isEqualTo(new TestTypes.Out("v2"));
    assertThat(reset).isEqualTo(new TestTypes.Out("v2"));
    assertThat(promoted).isEqualTo(new TestTypes.Out("t1"));
    assertThat(capable.calls).containsExactly("update v1->v2", "reset", "promote t1");
  }

  @Test
  void adaptsAProvisioningStepAsApplyReadAndCompensate() {
    TestTypes.Step step = new TestTypes.Step("host.send-welcome-mail");
    TypeHandle h = TypeHandles.forStep(step, TypeHandles.HOST);

    CreateResult<Object> applied = h.create(new TestTypes.Spec("ops@acme.example"), ctx);

    assertThat(applied.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(applied.outputs()).isEqualTo(new TestTypes.Out("ops@acme.example"));
    assertThat(h.read(new TestTypes.Spec("x"), applied.outputs(), ctx)).contains(applied.outputs());
    assertThat(h.read(new TestTypes.Spec("x"), null, ctx)).isEmpty();
    h.delete(new TestTypes.Spec("x"), applied.outputs(), ctx);
    assertThat(step.calls).containsExactly("apply ops@acme.example", "compensate ops@acme.example");
    assertThat(h.isStep()).isTrue();
    assertThat(h.backend()).isEqualTo("host");
    assertThat(h.canUpdate()).isFalse();
    assertThat(h.canReset()).isFalse();
    assertThat(h.canPromote()).isFalse();
    assertThatThrownBy(() -> h.update(null, null, null, ctx))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'host.send-welcome-mail'");
  }

  @Test
  void refusesASpecOfTheWrongClass() {
    TypeHandle h = TypeHandles.forResource(new TestTypes.Plain("acme.thing"), TypeHandles.HOST);

    assertThatThrownBy(() -> h.create("not a spec", ctx))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'acme.thing'");
  }

  @Test
  void turnsANullResultFromAPluginIntoAPermanentFailure() {
    TypeHandle h = TypeHandles.forResource(new TestTypes.Plain("acme.sloppy") {
      @Override
      public CreateResult<TestTypes.Out> create(TestTypes.Spec spec, dev.tenantwright.spi.StepContext c) {
        return null;
      }
    }, "acme");

    assertThatThrownBy(() -> h.create(new TestTypes.Spec("a"), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("'acme.sloppy'")
        .hasMessageContaining("plugin 'acme'");
  }
}
