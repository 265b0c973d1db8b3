package dev.tenantwright.testkit.internal;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WireMock 3 listener that validates every request a fake serves — and the response, when the fake's
 * own handler produced it — against the contract currently attached to the fake.
 *
 * <p>It runs before the response is written, so a violation is recorded before the client sees the answer.
 * Thread-safe; violations go to a sink the fake keeps in a concurrent list.
 */
public final class ContractListener implements ServeEventListener {

  private static final Logger LOG = LoggerFactory.getLogger(ContractListener.class);

  private final Supplier<ContractValidator> contract;
  private final Consumer<String> violations;

  /** Creates a listener that validates against whatever {@code contract} supplies (null: nothing). */
  public ContractListener(Supplier<ContractValidator> contract, Consumer<String> violations) {
    this.contract = contract;
    this.violations = violations;
  }

  @Override
  public String getName() {
    return "tenantwright-contract";
  }

  @Override
  public void beforeResponseSent(ServeEvent serveEvent, Parameters parameters) {
    ContractValidator validator = contract.get();
    if (validator == null) {
      return;
    }
    try {
      LoggedRequest req = serveEvent.getRequest();
      ResponseDefinition def = serveEvent.getResponseDefinition();
      Parameters tp = def == null ? null : def.getTransformerParameters();
      boolean withResponse = tp != null && Boolean.TRUE.equals(tp.get(DispatchTransformer.VALIDATE_RESPONSE));
      LoggedResponse resp = serveEvent.getResponse();
      List<String> found = validator.validate(
          req.getMethod().getName(),
          req.getUrl(),
          toMap(req.getHeaders()),
          req.getBodyAsString(),
          withResponse && resp != null ? resp.getStatus() : null,
          withResponse && resp != null ? toMap(resp.getHeaders()) : Map.of(),
          withResponse && resp != null ? resp.getBodyAsString() : null);
      for (String v : found) {
        LOG.warn("contract {} violated: {}", validator.name(), v);
        violations.accept(v);
      }
    } catch (RuntimeException e) {
      LOG.error("contract {}: the validator failed", validator.name(), e);
      violations.accept("the validator of " + validator.name() + " failed: " + e);
    }
  }

  private static Map<String, List<String>> toMap(HttpHeaders headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (headers != null) {
      for (HttpHeader h : headers.all()) {
        out.put(h.key(), new ArrayList<>(h.values()));
      }
    }
    return out;
  }
}
