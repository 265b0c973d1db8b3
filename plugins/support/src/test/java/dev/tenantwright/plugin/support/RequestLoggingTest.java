package dev.tenantwright.plugin.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tenantwright.spi.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

class RequestLoggingTest {

  @RegisterExtension
  static final WireMockExtension backend =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final Secret TOKEN = Secret.of("cf_live_Zq8Xw2Vn5Tr7Yp1L");

  /** Everything Tenantwright logs, at every level, while a test runs. */
  final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  Logger tenantwright;
  Level previousLevel;

  @BeforeEach
  void captureLogs() {
    tenantwright = (Logger) LoggerFactory.getLogger("dev.tenantwright");
    previousLevel = tenantwright.getLevel();
    tenantwright.setLevel(Level.TRACE);
    captured.start();
    tenantwright.addAppender(captured);
  }

  @AfterEach
  void stopCapturing() {
    tenantwright.detachAppender(captured);
    tenantwright.setLevel(previousLevel);
  }

  RestClient client() {
    return RestClient.builder().name("cloudflare").baseUrl(backend.baseUrl()).bearerToken(TOKEN).build();
  }

  List<String> lines() {
    return captured.list.stream()
        .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .toList();
  }

  @Test
  void logsMethodPathStatusAndDurationAtDebug() {
    backend.stubFor(get(urlPathEqualTo("/zones/z1/dns_records")).willReturn(okJson("{\"success\":true}")));

    client().get("/zones/z1/dns_records", Map.of("name", "a.example.com"));

    assertThat(captured.list)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
              assertThat(e.getLoggerName()).isEqualTo(RestClient.class.getName());
              assertThat(e.getFormattedMessage())
                  .matches("cloudflare GET /zones/z1/dns_records\\?name=a\\.example\\.com -> 200 in \\d+ ms");
            });
  }

  @Test
  void masksSecretLookingQueryValues() {
    backend.stubFor(any(anyUrl()).willReturn(okJson("{}")));

    client().get("/1.0/operations/op1/websocket", Map.of("secret", "fd-secret-value"));
    client().get("/hooks", Map.of("api_key", "k-123", "page", 2));

    assertThat(String.join("\n", lines()))
        .contains("/1.0/operations/op1/websocket?secret=******")
        .contains("api_key=******")
        .contains("page=2")
        .doesNotContain("fd-secret-value")
        .doesNotContain("k-123");
  }

  @Test
  void logsFailedCallsWithoutTheirDetails() {
    backend.stubFor(get("/boom").willReturn(aResponse().withStatus(500).withBody("token " + TOKEN.reveal())));

    assertThatThrownBy(() -> client().get("/boom")).hasMessageNotContaining(TOKEN.reveal());

    assertThat(lines()).singleElement().asString().contains("GET /boom -> 500");
  }

  @Test
  void theTokenAppearsInNoLogLineOnAnyPath() {
    backend.stubFor(get("/ok").willReturn(okJson("{}")));
    backend.stubFor(get("/denied").willReturn(aResponse().withStatus(403).withBody(TOKEN.reveal())));
    backend.stubFor(get("/slow").willReturn(okJson("{}").withFixedDelay(1_000)));
    RestClient client = client().newBuilder().readTimeout(java.time.Duration.ofMillis(100)).build();

    client.get("/ok");
    assertThatThrownBy(() -> client.get("/denied")).hasMessageNotContaining(TOKEN.reveal());
    assertThatThrownBy(() -> client.get("/slow")).hasMessageNotContaining(TOKEN.reveal());

    assertThat(lines()).hasSize(3).noneSatisfy(line -> assertThat(line).contains(TOKEN.reveal()));
    assertThat(String.join("\n", lines())).doesNotContainIgnoringCase("authorization").doesNotContain("Bearer");
  }
}
