package dev.tenantwright.testkit.internal;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.whitelist.ValidationErrorsWhitelist;
import com.atlassian.oai.validator.whitelist.rule.WhitelistRules;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.PathItem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request/response validator for one (reduced) OpenAPI or Swagger document, configured as BACKENDS.md
 * §9 prescribes: unexpected query parameters and injected {@code additionalProperties: false} are ignored
 * (an explicit {@code additionalProperties: false} still counts), and a missing body is ignored for
 * DELETE only.
 *
 * <p>Thread-safe and meant to be built once per document per JVM: building takes a second or more, a
 * validation then takes micro- to milliseconds.
 */
public final class ContractValidator {

  private static final int MAX_MESSAGE = 4000;
  private static final Pattern GENERIC = Pattern.compile("failed to match (all|exactly one|at least one)");
  private static final Pattern RECURSION_KEY = Pattern.compile("^" + SpecOps.RECURSION_PREFIX + "(\\d+)(/.*)$");

  private final String name;
  private final OpenApiInteractionValidator validator;
  private final List<RecursionPath> recursionPaths;

  private record RecursionPath(String level, PathTemplate template) {}

  /**
   * Builds the validator from the document's text.
   *
   * @throws IllegalArgumentException if the document does not load (the parser's messages are included)
   */
  public ContractValidator(String name, JsonNode reducedDocument) {
    this.name = name;
    String text = Json.write(reducedDocument);
    LevelResolver levels = LevelResolver.create()
        .withLoader(null)
        .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.IGNORE)
        .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
        .build();
    ValidationErrorsWhitelist whitelist = ValidationErrorsWhitelist.create()
        .withRule("DELETE may omit the body some documents declare as required",
            WhitelistRules.allOf(
                WhitelistRules.messageHasKey("validation.request.body.missing"),
                WhitelistRules.methodIs(PathItem.HttpMethod.DELETE)));
    try {
      this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(text)
          .withLevelResolver(levels)
          .withWhitelist(whitelist)
          .withResolveRefs(true)
          .build();
    } catch (OpenApiInteractionValidator.ApiLoadException e) {
      throw new IllegalArgumentException("cannot load OpenAPI document " + name + ": " + e.getParseMessages(), e);
    }
    List<RecursionPath> recursion = new ArrayList<>();
    for (String key : SpecOps.pathKeys(reducedDocument)) {
      Matcher m = RECURSION_KEY.matcher(key);
      if (m.matches()) {
        recursion.add(new RecursionPath(m.group(1), PathTemplate.parse(m.group(2))));
      }
    }
    this.recursionPaths = List.copyOf(recursion);
  }

  /** The document's name, for messages. */
  public String name() {
    return name;
  }

  /**
   * Validates a request and, when {@code status} is not null, the response to it.
   *
   * @param method the HTTP method
   * @param rawUrl the raw path and query as sent, base path included
   * @param headers the request headers
   * @param body the request body, or null/empty for none
   * @param status the response status, or null to validate the request only
   * @param responseHeaders the response headers (ignored without a status)
   * @param responseBody the response body (ignored without a status)
   * @return one line per ERROR-level message: method, URL, location, key and text
   */
  public List<String> validate(String method, String rawUrl, Map<String, List<String>> headers, String body,
      Integer status, Map<String, List<String>> responseHeaders, String responseBody) {
    Request.Method m;
    try {
      m = Request.Method.valueOf(method.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return List.of(method + " " + rawUrl + ": method unknown to the validator");
    }
    int q = rawUrl.indexOf('?');
    String path = q < 0 ? rawUrl : rawUrl.substring(0, q);
    Map<String, List<String>> query = QueryString.parse(q < 0 ? "" : rawUrl.substring(q + 1));

    boolean validateResponse = status != null;
    List<String> recursion = query.get("recursion");
    if (recursion != null && !recursion.isEmpty() && !"0".equals(recursion.get(0))) {
      String rewritten = rewriteForRecursion(path, recursion.get(0));
      if (rewritten != null) {
        path = rewritten;
      } else {
        validateResponse = false;
      }
    }

    SimpleRequest.Builder rb = new SimpleRequest.Builder(m, path);
    headers.forEach((k, v) -> rb.withHeader(k, v));
    query.forEach((k, v) -> rb.withQueryParam(k, v));
    if (body != null && !body.isEmpty()) {
      rb.withBody(body);
    }
    SimpleRequest request = rb.build();
    ValidationReport report;
    if (validateResponse) {
      SimpleResponse.Builder sb = new SimpleResponse.Builder(status);
      responseHeaders.forEach((k, v) -> sb.withHeader(k, v));
      if (responseBody != null && !responseBody.isEmpty()) {
        sb.withBody(responseBody);
      }
      report = validator.validate(request, sb.build());
    } else {
      report = validator.validateRequest(request);
    }
    List<String> out = new ArrayList<>();
    for (ValidationReport.Message msg : report.getMessages()) {
      if (msg.getLevel() == ValidationReport.Level.ERROR) {
        out.add(format(method, rawUrl, msg));
      }
    }
    return out;
  }

  private String rewriteForRecursion(String path, String level) {
    for (RecursionPath r : recursionPaths) {
      if (r.level().equals(level) && r.template().match(path).isPresent()) {
        return SpecOps.RECURSION_PREFIX + level + path;
      }
    }
    return null;
  }

  private static String format(String method, String rawUrl, ValidationReport.Message msg) {
    String where = msg.getContext()
        .flatMap(ValidationReport.MessageContext::getLocation)
        .map(l -> l.name().toLowerCase(Locale.ROOT))
        .orElse("request");
    Set<String> details = new LinkedHashSet<>();
    collectDetails(msg, details, 0);
    details.remove(msg.getMessage());
    StringBuilder sb = new StringBuilder()
        .append(method).append(' ').append(rawUrl).append(" (").append(where).append(") ")
        .append(msg.getKey()).append(": ").append(msg.getMessage());
    for (String d : details) {
      if (sb.length() > MAX_MESSAGE) {
        sb.append(" | ...");
        break;
      }
      sb.append(" | ").append(d);
    }
    return sb.toString();
  }

  /** Gathers what nested findings say (a failed oneOf explains itself only there), most specific first. */
  private static void collectDetails(ValidationReport.Message msg, Set<String> out, int depth) {
    if (depth > 6) {
      return;
    }
    for (ValidationReport.Message nested : msg.getNestedMessages()) {
      collectDetails(nested, out, depth + 1);
    }
    if (depth > 0 && !GENERIC.matcher(msg.getMessage()).find()) {
      out.add(msg.getMessage());
    }
    if (depth == 0) {
      for (String info : msg.getAdditionalInfo()) {
        if (!GENERIC.matcher(info).find()) {
          out.add(info);
        }
      }
    }
  }
}
