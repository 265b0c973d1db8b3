package dev.tenantwright.plugin.support.internal;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class LoggingInterceptorTest {

  @Test
  void masksValuesOfSecretLookingQueryParametersOnly() {
    HttpUrl url = HttpUrl.get(
        "https://api.example.com/v1/things?teamId=t1&access_token=a&apiKey=b&Password=c&client_secret=d&x-signature=e&page=2&flag");

    assertThat(LoggingInterceptor.redactedPathAndQuery(url))
        .isEqualTo("/v1/things?teamId=t1&access_token=******&apiKey=******&Password=******&client_secret=******"
            + "&x-signature=******&page=2&flag");
  }

  @Test
  void leavesAUrlWithoutQueryAsItsPath() {
    assertThat(LoggingInterceptor.redactedPathAndQuery(HttpUrl.get("http://localhost/1.0/instances/web")))
        .isEqualTo("/1.0/instances/web");
  }
}
