package dev.tenantwright.core.internal.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceEnvCommandRunnerTest {

  @Test
  void propagationKeysBecomeEnvironmentVariableNamesTheWayOpenTelemetryNormalisesThem() {
    assertThat(TraceEnvCommandRunner.variableName("traceparent")).isEqualTo("TRACEPARENT");
    assertThat(TraceEnvCommandRunner.variableName("tracestate")).isEqualTo("TRACESTATE");
    assertThat(TraceEnvCommandRunner.variableName("X-B3-TraceId")).isEqualTo("X_B3_TRACEID");
    assertThat(TraceEnvCommandRunner.variableName("uber-trace.id")).isEqualTo("UBER_TRACE_ID");
    assertThat(TraceEnvCommandRunner.variableName("3rd")).isEqualTo("_3RD");
    assertThat(TraceEnvCommandRunner.variableName("")).isEqualTo("_");
  }

  @Test
  void aCommandGetsTheTraceVariablesItLacksAndKeepsItsOwnArgumentsAndSecrets() {
    List<Command> ran = new ArrayList<>();
    TraceEnvCommandRunner runner = new TraceEnvCommandRunner(c -> {
      ran.add(c);
      return new CommandResult(c.redactedArgv(), 0, "", "", Duration.ZERO);
    }, Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tracestate", "a=1"));

    runner.run(Command.builder("tool", "up").secretArg(Secret.of("pa55word")).env("TRACESTATE", "own=2").build());

    Command sent = ran.get(0);
    assertThat(sent.argv()).containsExactly("tool", "up", "pa55word");
    assertThat(sent.redactedArgv()).containsExactly("tool", "up", Secret.MASK);
    assertThat(sent.environment())
        .containsEntry("TRACEPARENT", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        .containsEntry("TRACESTATE", "own=2");
  }
}
