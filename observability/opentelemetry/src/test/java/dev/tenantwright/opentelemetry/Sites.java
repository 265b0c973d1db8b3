package dev.tenantwright.opentelemetry;

import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.plugin.support.RestClient;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A backend plugin in miniature: {@code site.page} resources made with an HTTP call through plugin support's
 * {@link RestClient} to a local server, and a process run through the step's command runner — so a test sees what a
 * real plugin's backend would receive. Creates can be told to fail (in turn) or to wait.
 */
final class Sites implements AutoCloseable {

  /** A page's spec. */
  record PageSpec(String title) {}

  /** A page's outputs. */
  record PageOut(String name) {}

  /** One HTTP request the server received: method, path and its trace headers (null when absent). */
  record Request(String method, String path, String traceparent, String tracestate) {}

  final List<Request> requests = new CopyOnWriteArrayList<>();
  final List<Command> commands = new CopyOnWriteArrayList<>();
  final Map<String, String> pages = new ConcurrentHashMap<>();
  private final Map<String, Queue<Supplier<RuntimeException>>> failures = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final RestClient http;

  Sites() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("traceparent"), exchange.getRequestHeaders().getFirst("tracestate")));
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    http = RestClient.builder().name("site").baseUrl("http://127.0.0.1:" + server.getAddress().getPort()).build();
  }

  /** Two pages, {@code b} made after {@code a}. */
  static Blueprint pair() {
    return Blueprint.builder("pair")
        .resource("a", "site.page", r -> r.param("title", "Home"))
        .resource("b", "site.page", r -> r.param("title", "About").needs("a"))
        .build();
  }

  /** The host's command runner, recording what it is asked to run. */
  CommandRunner commandRunner() {
    return c -> {
      commands.add(c);
      return new CommandResult(c.redactedArgv(), 0, "", "", Duration.ZERO);
    };
  }

  /** Makes the next create of {@code step} throw {@code error} (before anything is sent). */
  Sites fail(String step, Supplier<RuntimeException> error) {
    failures.computeIfAbsent(step, k -> new ConcurrentLinkedQueue<>()).add(error);
    return this;
  }

  /** Makes the next create of {@code step} wait, after its HTTP call, until the returned latch is released. */
  CountDownLatch hold(String step) {
    CountDownLatch latch = new CountDownLatch(1);
    reached.put(step, new CountDownLatch(1));
    holds.put(step, latch);
    return latch;
  }

  void awaitHeld(String step) throws InterruptedException {
    if (!reached.get(step).await(20, TimeUnit.SECONDS)) {
      throw new AssertionError("the create of " + step + " never started");
    }
  }

  ResourceType<PageSpec, PageOut> type() {
    return new ResourceType<>() {
      @Override
      public String type() {
        return "site.page";
      }

      @Override
      public Class<PageSpec> specType() {
        return PageSpec.class;
      }

      @Override
      public Class<PageOut> outputType() {
        return PageOut.class;
      }

      @Override
      public CreateResult<PageOut> create(PageSpec spec, StepContext ctx) {
        Queue<Supplier<RuntimeException>> q = failures.get(ctx.stepName());
        Supplier<RuntimeException> failure = q == null ? null : q.poll();
        if (failure != null) {
          throw failure.get();
        }
        http.forStep(ctx).put("/pages/" + ctx.resourceName(), Map.of("title", spec.title()));
        ctx.commands().run(Command.builder("site-tool", "publish", ctx.resourceName()).build());
        CountDownLatch hold = holds.remove(ctx.stepName());
        if (hold != null) {
          reached.get(ctx.stepName()).countDown();
          try {
            hold.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted");
          }
        }
        pages.put(ctx.resourceName(), spec.title());
        return CreateResult.created(new PageOut(ctx.resourceName()));
      }

      @Override
      public Optional<PageOut> read(PageSpec spec, PageOut outputs, StepContext ctx) {
        return pages.containsKey(ctx.resourceName()) ? Optional.of(new PageOut(ctx.resourceName())) : Optional.empty();
      }

      @Override
      public void delete(PageSpec spec, PageOut outputs, StepContext ctx) {
        http.forStep(ctx).delete("/pages/" + ctx.resourceName());
        pages.remove(ctx.resourceName());
      }
    };
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
