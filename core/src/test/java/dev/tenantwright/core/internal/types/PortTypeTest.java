package dev.tenantwright.core.internal.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.PermanentException;
import org.junit.jupiter.api.Test;

class PortTypeTest {

  private final InMemoryPortAllocator allocator = new InMemoryPortAllocator();
  private final PortType type = new PortType(allocator, new PortRange(20000, 20002));
  private final PortSpec anyPort = new PortSpec(null, null);

  @Test
  void allocatesFromTheHostRangeWhenTheSpecGivesNone() {
    int port = type.create(anyPort, StepContextFake.create()).outputs().port();

    assertThat(port).isBetween(20000, 20002);
  }

  @Test
  void givesARetriedCreateTheSamePort() {
    StepContextFake ctx = StepContextFake.create("acme", "demo", "ssh");

    int first = type.create(anyPort, ctx).outputs().port();
    int second = type.create(anyPort, ctx).outputs().port();

    assertThat(second).isEqualTo(first);
  }

  @Test
  void keysLeasesByTenantEnvironmentAndResource() {
    type.create(anyPort, StepContextFake.create("acme", "demo", "ssh"));

    assertThat(allocator.find("acme/demo", "ssh")).isPresent();
    assertThat(allocator.find("acme/live", "ssh")).isEmpty();
  }

  @Test
  void givesDifferentResourcesDifferentPorts() {
    int a = type.create(anyPort, StepContextFake.create("acme", "demo", "ssh")).outputs().port();
    int b = type.create(anyPort, StepContextFake.create("acme", "live", "ssh")).outputs().port();
    int c = type.create(anyPort, StepContextFake.create("globex", "demo", "ssh")).outputs().port();

    assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
    assertThat(b).isNotEqualTo(c);
  }

  @Test
  void narrowsTheRangeToTheSpecsBounds() {
    PortType wide = new PortType(allocator, PortRange.DEFAULT);

    int port = wide.create(new PortSpec(25000, 25010), StepContextFake.create()).outputs().port();

    assertThat(port).isBetween(25000, 25010);
  }

  @Test
  void failsPermanentlyWhenTheRangeIsExhausted() {
    for (String name : new String[] {"a", "b", "c"}) {
      type.create(anyPort, StepContextFake.create("acme", "demo", name));
    }

    assertThatThrownBy(() -> type.create(anyPort, StepContextFake.create("acme", "demo", "d")))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("no free port");
  }

  @Test
  void deleteReturnsThePortSoReadFindsNothingAndAnotherResourceMayTakeIt() {
    StepContextFake ctx = StepContextFake.create("acme", "demo", "ssh");
    PortOutputs held = type.create(new PortSpec(20001, 20001), ctx).outputs();
    assertThat(type.read(anyPort, held, ctx)).contains(held);

    type.delete(anyPort, held, ctx);
    type.delete(anyPort, held, ctx);

    assertThat(type.read(anyPort, held, ctx)).isEmpty();
    assertThat(type.create(new PortSpec(20001, 20001), StepContextFake.create("acme", "demo", "web"))
        .outputs().port()).isEqualTo(20001);
  }

  @Test
  void readRecoversALeaseWhoseOutputsWereNeverRecorded() {
    StepContextFake ctx = StepContextFake.create("acme", "demo", "ssh");
    PortOutputs held = type.create(anyPort, ctx).outputs();

    assertThat(type.read(anyPort, null, ctx)).contains(held);
  }

  @Test
  void refusesInvalidBoundsNamingTheField() {
    assertThatThrownBy(() -> new PortSpec(0, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'from'");
    assertThatThrownBy(() -> new PortSpec(null, 70000))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'to'");
    assertThatThrownBy(() -> new PortSpec(3000, 2000))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'from'");
    assertThatThrownBy(() -> type.create(new PortSpec(30000, null), StepContextFake.create()))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'from'");
  }
}
