package dev.tenantwright.cli;

import static dev.tenantwright.cli.ScriptedServer.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.RunFollower;
import dev.tenantwright.cli.internal.ServerUnreachableException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Following a run through connections that drop, end early or go silent, against a scripted server. */
class FollowResumeTest {

  private static final String EVENTS = "/runs/r1/events";

  @Test
  void aDroppedStreamIsResumedAfterTheLastEventAndNothingIsShownTwice() throws Exception {
    AtomicInteger streams = new AtomicInteger();
    try (ScriptedServer server = new ScriptedServer((request, out) -> {
      if (!request.path().equals(EVENTS)) {
        ScriptedServer.json(out, 200, ScriptedServer.run("SUCCEEDED"));
      } else if (streams.incrementAndGet() == 1) {
        ScriptedServer.events(out, false, event(1, "RUN_QUEUED", 0), event(2, "STEP_SUCCEEDED", 50));
      } else {
        ScriptedServer.events(out, true, event(3, "RUN_SUCCEEDED", 100));
      }
    })) {
      Cli.Result r = new Cli(Map.of("TW_URL", server.url(), "TW_TOKEN", "tw-test-token")).run("follow", "r1");

      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).containsOnlyOnce("RUN_QUEUED").containsOnlyOnce("STEP_SUCCEEDED")
          .containsOnlyOnce("RUN_SUCCEEDED").contains("run r1 SUCCEEDED: PROVISION t/demo in 2.0 s");
      assertThat(r.err()).startsWith("event stream lost (").contains("); resuming after event 2 (attempt 1 of 5)");
      List<ScriptedServer.Request> opened = server.requests().stream().filter(q -> q.path().equals(EVENTS)).toList();
      assertThat(opened).hasSize(2);
      assertThat(opened.get(0).headers()).doesNotContainKey("last-event-id")
          .containsEntry("accept", "text/event-stream").containsEntry("authorization", "Bearer tw-test-token");
      assertThat(opened.get(1).headers()).containsEntry("last-event-id", "2");
    }
  }

  @Test
  void aStreamTheServerEndsEarlyIsOpenedAgainAndA204MeansTheRunIsOver() throws Exception {
    AtomicInteger streams = new AtomicInteger();
    try (ScriptedServer server = new ScriptedServer((request, out) -> {
      if (!request.path().equals(EVENTS)) {
        ScriptedServer.json(out, 200, ScriptedServer.run("ROLLED_BACK"));
      } else if (streams.incrementAndGet() == 1) {
        ScriptedServer.events(out, true, event(7, "RUN_QUEUED", 0), event(9, "STEP_FAILED", 0));
      } else {
        ScriptedServer.noContent(out);
      }
    })) {
      Cli.Result r = new Cli(Map.of("TW_URL", server.url(), "TW_TOKEN", "t")).run("follow", "r1");

      assertThat(r.exitCode()).as(r.toString()).isEqualTo(TenantwrightCli.RUN_NOT_SUCCEEDED);
      assertThat(r.out()).contains("STEP_FAILED").endsWith("run r1 ROLLED_BACK: PROVISION t/demo in 2.0 s\n");
      assertThat(r.err()).contains("the server ended the stream before the run ended")
          .contains("resuming after event 9");
      assertThat(server.requests().get(server.requests().size() - 2).headers()).containsEntry("last-event-id", "9");
    }
  }

  @Test
  void aStreamSilentLongerThanTheIdleTimeCountsAsDropped() throws Exception {
    AtomicInteger streams = new AtomicInteger();
    try (ScriptedServer server = new ScriptedServer((request, out) -> {
      if (!request.path().equals(EVENTS)) {
        ScriptedServer.json(out, 200, ScriptedServer.run("SUCCEEDED"));
      } else if (streams.incrementAndGet() == 1) {
        ScriptedServer.events(out, false, event(1, "RUN_STARTED", 0));
        Thread.sleep(10_000);
      } else {
        ScriptedServer.events(out, true, event(2, "RUN_SUCCEEDED", 100));
      }
    })) {
      List<String> seen = new CopyOnWriteArrayList<>();
      RunFollower follower = new RunFollower(new ApiClient(server.url(), "t"), Duration.ofMillis(300), 3,
          Duration.ofMillis(10));

      RunFollower.Outcome outcome = follower.follow("r1", 0, listener(seen));

      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.lastEventId()).isEqualTo(2);
      assertThat(seen).containsExactly("RUN_STARTED", "reconnect after 1: nothing arrived for 300 ms", "RUN_SUCCEEDED");
    }
  }

  @Test
  void followingGivesUpWhenTheStreamCannotBeResumed() throws Exception {
    try (ScriptedServer server = new ScriptedServer((request, out) -> ScriptedServer.events(out, false))) {
      List<String> seen = new CopyOnWriteArrayList<>();
      RunFollower follower = new RunFollower(new ApiClient(server.url(), "t"), Duration.ofSeconds(5), 2,
          Duration.ofMillis(10));

      assertThatThrownBy(() -> follower.follow("r1", 41, listener(seen)))
          .isInstanceOf(ServerUnreachableException.class)
          .hasMessageStartingWith("lost the event stream of run r1 and could not resume it after 2 attempts: ");
      assertThat(server.requests()).hasSize(3)
          .allSatisfy(q -> assertThat(q.headers()).containsEntry("last-event-id", "41"));
    }
  }

  @Test
  void aServerThatCannotBeReachedForTheFirstStreamIsReportedAtOnce() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    Cli.Result r = new Cli(Map.of("TW_URL", "http://127.0.0.1:" + port, "TW_TOKEN", "t")).run("follow", "r1");

    assertThat(r.exitCode()).isEqualTo(TenantwrightCli.UNREACHABLE);
    assertThat(r.err()).isEqualTo("error: cannot connect to the Tenantwright server at http://127.0.0.1:" + port
        + ": connection refused (is it running? --url or TW_URL names it)\n");
  }

  private static RunFollower.Listener listener(List<String> seen) {
    return new RunFollower.Listener() {
      @Override
      public void event(JsonNode event) {
        seen.add(event.get("type").asText());
      }

      @Override
      public void reconnecting(long afterId, int attempt, int attempts, String why) {
        seen.add("reconnect after " + afterId + ": " + why);
      }
    };
  }
}
