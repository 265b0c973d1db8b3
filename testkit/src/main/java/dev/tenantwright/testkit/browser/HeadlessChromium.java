package dev.tenantwright.testkit.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol with the JDK's own WebSocket client:
 * no driver binary, no browser download. One browser process with one page; clicks and typing go through
 * {@code Input.*} events at the element's position, as a person's would.
 *
 * <pre>{@code
 * assumeTrue(Files.isExecutable(HeadlessChromium.BINARY), "no chromium: browser test skipped");
 * try (HeadlessChromium browser = HeadlessChromium.launch(Path.of("target", "chromium.log"))) {
 *   browser.open(URI.create(app.url() + "/"));
 *   browser.type("#email", "ops@acme.example");
 *   browser.click("#sign-in");
 *   browser.screenshot(Path.of("target", "screenshots", "signed-in.png"));
 * }
 * }</pre>
 *
 * <p>Started with a fresh {@code --user-data-dir} and the flags this machine needs (no sandbox as root, no
 * background networking, QUIC or component updates); {@link #close()} ends the process and removes the
 * directory. Not thread-safe: one test thread drives it. Waits poll the page every 100 ms; the methods that wait
 * say how long at most.
 */
public final class HeadlessChromium implements AutoCloseable {

  /**
   * Debian's launcher {@code /usr/bin/chromium}, or another Chromium named by the system property
   * {@code tw.chromium} (or, as the portal's tests always took it, {@code portal.chromium}).
   */
  public static final Path BINARY = Path.of(System.getProperty("tw.chromium",
      System.getProperty("portal.chromium", "/usr/bin/chromium")));
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(100);

  private final ObjectMapper json = new ObjectMapper();
  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> pageErrors = new CopyOnWriteArrayList<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /**
   * Starts Chromium with an empty profile and attaches to its first page; its output goes to {@code log}.
   *
   * @throws IOException when the process cannot start or does not offer its DevTools port within a minute
   */
  public static HeadlessChromium launch(Path log) throws IOException {
    Path profile = Files.createTempDirectory("tw-chromium-");
    Path parent = log.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Process process = new ProcessBuilder(BINARY.toString(),
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--window-size=1280,900", "about:blank")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      // Chromium writes the port it picked (and the browser's WebSocket path) into the profile.
      Path activePort = profile.resolve("DevToolsActivePort");
      String port = poll(Duration.ofSeconds(60), () -> Files.readAllLines(activePort).get(0).strip(),
          p -> !p.isEmpty());
      if (port == null) {
        throw new IllegalStateException("Chromium wrote no DevTools port within 60 s");
      }
      HttpClient http = HttpClient.newHttpClient();
      JsonNode page = poll(Duration.ofSeconds(30), () -> firstPage(http, port), p -> p != null);
      if (page == null) {
        throw new IllegalStateException("Chromium showed no page within 30 s");
      }
      Receiver receiver = new Receiver();
      WebSocket socket = http.newWebSocketBuilder()
          .buildAsync(URI.create(page.get("webSocketDebuggerUrl").asText()), receiver)
          .get(30, TimeUnit.SECONDS);
      HeadlessChromium chromium = new HeadlessChromium(process, profile, socket);
      receiver.owner = chromium;
      chromium.call("Runtime.enable", chromium.json.createObjectNode());
      chromium.call("Page.enable", chromium.json.createObjectNode());
      return chromium;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      process.destroyForcibly();
      deleteTree(profile);
      throw new IOException("Chromium did not start; see " + log, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      deleteTree(profile);
      throw new IOException("interrupted while starting Chromium", e);
    }
  }

  private static JsonNode firstPage(HttpClient http, String port) throws IOException, InterruptedException {
    String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    for (JsonNode target : new ObjectMapper().readTree(body)) {
      if ("page".equals(target.path("type").asText()) && target.hasNonNull("webSocketDebuggerUrl")) {
        return target;
      }
    }
    return null;
  }

  /**
   * Calls {@code value} every {@link #POLL} until what it returns passes {@code done}, for at most {@code atMost};
   * an exception counts as not yet. Returns the value that passed, or null when time ran out.
   */
  private static <T> T poll(Duration atMost, Callable<T> value, Predicate<T> done) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (true) {
      try {
        T v = value.call();
        if (done.test(v)) {
          return v;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting", e);
      } catch (Exception e) {
        // not there yet: the page is loading, the file not written
      }
      if (System.nanoTime() - deadline >= 0) {
        return null;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting", e);
      }
    }
  }

  private static boolean pollTrue(Duration atMost, Callable<Boolean> condition) {
    return poll(atMost, condition, Boolean.TRUE::equals) != null;
  }

  /** Collects one WebSocket message from its frames and hands it over. */
  private static final class Receiver implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();
    volatile HeadlessChromium owner;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        String message = buffer.toString();
        buffer.setLength(0);
        if (owner != null) {
          owner.receive(message);
        }
      }
      webSocket.request(1);
      return null;
    }
  }

  private void receive(String message) {
    JsonNode node;
    try {
      node = json.readTree(message);
    } catch (IOException e) {
      return;
    }
    if (node.has("id")) {
      CompletableFuture<JsonNode> f = pending.remove(node.get("id").asLong());
      if (f != null) {
        if (node.has("error")) {
          f.completeExceptionally(new IllegalStateException("DevTools error: " + node.get("error")));
        } else {
          f.complete(node.path("result"));
        }
      }
    } else if ("Runtime.exceptionThrown".equals(node.path("method").asText())) {
      JsonNode details = node.path("params").path("exceptionDetails");
      pageErrors.add(details.path("exception").path("description").asText(details.path("text").asText()));
    }
  }

  /**
   * Sends one DevTools command and waits up to 30 s for its result.
   *
   * @throws IllegalStateException when the browser answers with an error or not in time
   */
  public JsonNode call(String method, ObjectNode params) {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    pending.put(id, result);
    ObjectNode message = json.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    try {
      socket.sendText(json.writeValueAsString(message), true).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return result.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException(method + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method + " interrupted", e);
    } finally {
      pending.remove(id);
    }
  }

  /**
   * Evaluates a JavaScript expression in the page (awaiting a promise it yields) and returns its value as JSON.
   *
   * @throws IllegalStateException when the script throws
   */
  public JsonNode evaluate(String expression) {
    ObjectNode params = json.createObjectNode().put("expression", expression).put("returnByValue", true)
        .put("awaitPromise", true);
    JsonNode result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + result.get("exceptionDetails").path("text").asText()
          + " in: " + expression);
    }
    return result.path("result").path("value");
  }

  /** Opens {@code url} and waits (up to 30 s) until the page shows that address and has loaded. */
  public void open(URI url) {
    call("Page.navigate", json.createObjectNode().put("url", url.toString()));
    if (!pollTrue(Duration.ofSeconds(30), () -> location().equals(url.toString())
        && evaluate("document.readyState").asText().equals("complete"))) {
      throw new AssertionError("page " + url + " did not load within 30 s; the browser shows " + describe());
    }
  }

  /** The address of the page shown now. */
  public String location() {
    return evaluate("location.href").asText();
  }

  /** Waits (up to 30 s) until the page shown has a path starting with {@code pathPrefix} and has loaded. */
  public void awaitPath(String pathPrefix) {
    if (!pollTrue(Duration.ofSeconds(30), () -> evaluate("location.pathname").asText().startsWith(pathPrefix)
        && evaluate("document.readyState").asText().equals("complete"))) {
      throw new AssertionError("expected a page under " + pathPrefix + " but the browser shows " + describe());
    }
  }

  /** Where the browser is and what it shows (the first 1,500 characters), for failure messages. */
  public String describe() {
    try {
      String text = visibleText();
      return location() + ":\n" + (text.length() > 1500 ? text.substring(0, 1500) + "..." : text);
    } catch (RuntimeException e) {
      return "(page not readable: " + e.getMessage() + ")";
    }
  }

  /** The text a person sees on the page (rendered text only: hidden elements have none). */
  public String visibleText() {
    return evaluate("document.body ? document.body.innerText : ''").asText();
  }

  /** The visible text of the first element matching {@code selector}, or empty when there is none or it is hidden. */
  public String visibleText(String selector) {
    return evaluate("(() => { const e = document.querySelector(" + quote(selector) + ");"
        + " return e && e.offsetParent !== null ? e.innerText : ''; })()").asText();
  }

  /** An attribute of the first element matching {@code selector}, or empty. */
  public String attribute(String selector, String name) {
    return evaluate("(() => { const e = document.querySelector(" + quote(selector) + ");"
        + " return e ? (e.getAttribute(" + quote(name) + ") || '') : ''; })()").asText();
  }

  /**
   * Clicks the middle of the first element matching {@code selector} with the mouse, after scrolling it into
   * view; fails when it is hidden or covered by another element, as it would be for a person.
   *
   * @throws IllegalStateException when no element matches, or it is hidden or covered
   */
  public void click(String selector) {
    JsonNode at = evaluate("(() => { const e = document.querySelector(" + quote(selector) + ");"
        + " if (!e) return {error: 'no element matches'};"
        + " e.scrollIntoView({block: 'center'});"
        + " const r = e.getBoundingClientRect();"
        + " if (r.width === 0 || r.height === 0) return {error: 'the element is not visible'};"
        + " const x = r.left + r.width / 2, y = r.top + r.height / 2;"
        + " const top = document.elementFromPoint(x, y);"
        + " if (!top || !(top === e || e.contains(top))) return {error: 'the element is covered'};"
        + " return {x: x, y: y}; })()");
    if (at.has("error")) {
      throw new IllegalStateException("cannot click " + selector + ": " + at.get("error").asText());
    }
    for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
      ObjectNode event = json.createObjectNode().put("type", type).put("x", at.get("x").asDouble())
          .put("y", at.get("y").asDouble());
      if (type.equals("mousePressed")) {
        event.put("button", "left").put("buttons", 1).put("clickCount", 1);
      } else if (type.equals("mouseReleased")) {
        event.put("button", "left").put("buttons", 0).put("clickCount", 1);
      }
      call("Input.dispatchMouseEvent", event);
    }
  }

  /**
   * Clicks into the field, waits (up to 10 s) for the caret to be there, and types {@code text} as keyboard input.
   *
   * @throws AssertionError when the click does not focus the field or the field does not end with the text
   */
  public void type(String selector, String text) {
    click(selector);
    String focused = "document.activeElement === document.querySelector(" + quote(selector) + ")";
    if (!pollTrue(Duration.ofSeconds(10), () -> evaluate(focused).asBoolean())) {
      throw new AssertionError("clicking " + selector + " did not focus it; the browser shows " + describe());
    }
    call("Input.insertText", json.createObjectNode().put("text", text));
    String value = evaluate("document.querySelector(" + quote(selector) + ").value").asText();
    if (!value.endsWith(text)) {
      throw new AssertionError("typed '" + text + "' into " + selector + " but it holds '" + value + "'");
    }
  }

  /**
   * Picks the option with {@code value} in a select element, as choosing it from the list does.
   *
   * @throws IllegalStateException when there is no such select or option
   */
  public void select(String selector, String value) {
    JsonNode ok = evaluate("(() => { const e = document.querySelector(" + quote(selector) + ");"
        + " if (!e || ![...e.options].some(o => o.value === " + quote(value) + ")) return false;"
        + " e.focus(); e.value = " + quote(value) + ";"
        + " e.dispatchEvent(new Event('input', {bubbles: true}));"
        + " e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()");
    if (!ok.asBoolean()) {
      throw new IllegalStateException("no option " + value + " in " + selector);
    }
  }

  /** Saves a PNG of the whole page (beyond the window's height), creating the file's directory. */
  public void screenshot(Path file) {
    JsonNode metrics = call("Page.getLayoutMetrics", json.createObjectNode());
    JsonNode size = metrics.path("cssContentSize");
    ObjectNode clip = json.createObjectNode().put("x", 0).put("y", 0)
        .put("width", Math.max(1, size.path("width").asDouble()))
        .put("height", Math.max(1, size.path("height").asDouble())).put("scale", 1);
    ObjectNode params = json.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
    params.set("clip", clip);
    byte[] png = Base64.getDecoder().decode(call("Page.captureScreenshot", params).path("data").asText());
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(file, png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Uncaught script errors the pages reported so far. */
  public List<String> pageErrors() {
    return new ArrayList<>(pageErrors);
  }

  private String quote(String s) {
    try {
      return json.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ends the browser process (and any it started) and removes its profile directory. */
  @Override
  public void close() {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    } catch (RuntimeException e) {
      // the browser is going away either way
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    deleteTree(profile);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary profile is harmless
    }
  }
}
