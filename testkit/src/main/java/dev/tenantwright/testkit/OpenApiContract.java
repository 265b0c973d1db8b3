package dev.tenantwright.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.testkit.internal.ContractValidator;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend's published API contract — an OpenAPI 3 or Swagger 2 document, reduced and repaired by a
 * {@link SpecReducer} — that checks the requests a plugin sends and the answers a fake gives.
 *
 * <p>Attach it to a fake with {@link BackendFake#validateAgainst(OpenApiContract)}: every request the fake
 * serves is then validated, and so is the response whenever the fake's own handler produced it (answers
 * made by injected faults are not the backend's and are not judged). {@link BackendFake#assertContractRespected()}
 * fails with the validator's messages. Only ERROR-level findings count; unexpected query parameters and
 * undeclared properties are tolerated (an explicit {@code additionalProperties: false} is still enforced),
 * and a DELETE may omit a body its document calls required.
 *
 * <p>Building a validator takes a second or more, so {@code load} keeps one per document and reducer for
 * the life of the JVM and returns the same instance on every later call. Thread-safe.
 *
 * <pre>{@code
 * static final OpenApiContract VERCEL = OpenApiContract.load(
 *     specs.resolve("vercel-openapi-2025-10-27.json"),
 *     SpecReducer.keeping("/v11/projects", "/v9/projects/{idOrName}"));
 * ...
 * fake.validateAgainst(VERCEL);
 * // run the plugin against fake.baseUrl()
 * fake.assertContractRespected();
 * }</pre>
 */
public final class OpenApiContract {

  private static final Logger LOG = LoggerFactory.getLogger(OpenApiContract.class);
  private static final Map<String, CompletableFuture<OpenApiContract>> CACHE = new ConcurrentHashMap<>();

  private final ContractValidator validator;

  private OpenApiContract(ContractValidator validator) {
    this.validator = validator;
  }

  /**
   * Loads, reduces and repairs a document from a file, or returns the contract already built for it.
   *
   * @throws IllegalArgumentException if the document cannot be read, lacks a wanted path, or does not load
   *     into the validator (the parser's messages are included)
   */
  public static OpenApiContract load(Path document, SpecReducer reducer) {
    Objects.requireNonNull(document, "document");
    try {
      return load(document.toAbsolutePath().normalize().toUri().toURL(), reducer);
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("cannot address " + document, e);
    }
  }

  /** Like {@link #load(Path, SpecReducer)}, for a URL such as a class-path resource. */
  public static OpenApiContract load(URL document, SpecReducer reducer) {
    Objects.requireNonNull(document, "document (a missing class-path resource?)");
    Objects.requireNonNull(reducer, "reducer");
    String name = document.toString();
    return cached(name + "|" + reducer, () -> {
      long start = System.nanoTime();
      JsonNode reduced = reducer.reduce(SpecReducer.read(document));
      OpenApiContract contract = new OpenApiContract(new ContractValidator(shortName(name), reduced));
      LOG.info("built contract {} with {} in {} ms", shortName(name), reducer, (System.nanoTime() - start) / 1_000_000);
      return contract;
    });
  }

  /** The document's file name, for messages. */
  public String name() {
    return validator.name();
  }

  /**
   * Checks one request directly, without a fake: for a plugin's own client tests.
   *
   * @param method the HTTP method
   * @param pathAndQuery the raw path (base path included, e.g. {@code /client/v4/zones/z/dns_records})
   *     and optional query
   * @param headers the request headers (send {@code Content-Type} with a body, as a real client does)
   * @param body the body, or null for none
   * @return the ERROR-level findings, empty when the request conforms
   */
  public List<String> checkRequest(String method, String pathAndQuery, Map<String, String> headers, String body) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    return validator.validate(method, pathAndQuery, h, body, null, Map.of(), null);
  }

  /**
   * Checks one request and the answer to it, without a fake: for a server's own API tests, where the test is the
   * client and the server under test answers.
   *
   * @param method the HTTP method
   * @param pathAndQuery the raw path and optional query
   * @param headers the request headers
   * @param body the request body, or null for none
   * @param status the answer's status
   * @param responseHeaders the answer's headers (send {@code Content-Type} with a body)
   * @param responseBody the answer's body, or null for none
   * @return the ERROR-level findings about either, empty when both conform
   */
  public List<String> checkExchange(String method, String pathAndQuery, Map<String, String> headers, String body,
      int status, Map<String, String> responseHeaders, String responseBody) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    Map<String, List<String>> rh = new LinkedHashMap<>();
    responseHeaders.forEach((k, v) -> rh.put(k, List.of(v)));
    return validator.validate(method, pathAndQuery, h, body, status, rh, responseBody);
  }

  ContractValidator validator() {
    return validator;
  }

  @Override
  public String toString() {
    return "OpenApiContract[" + name() + "]";
  }

  private static OpenApiContract cached(String key, Supplier<OpenApiContract> build) {
    CompletableFuture<OpenApiContract> mine = new CompletableFuture<>();
    CompletableFuture<OpenApiContract> existing = CACHE.putIfAbsent(key, mine);
    if (existing == null) {
      try {
        mine.complete(build.get());
      } catch (RuntimeException | Error e) {
        CACHE.remove(key, mine);
        mine.completeExceptionally(e);
        throw e;
      }
      return mine.join();
    }
    try {
      return existing.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private static String shortName(String url) {
    int slash = url.lastIndexOf('/');
    return slash < 0 ? url : url.substring(slash + 1);
  }
}
