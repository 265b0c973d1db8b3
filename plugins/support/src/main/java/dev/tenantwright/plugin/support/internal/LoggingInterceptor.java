package dev.tenantwright.plugin.support.internal;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each call at debug: client name, method, URL path with secret-looking query values masked, status
 * and duration. Never headers and never bodies, so credentials and payload secrets stay out of logs.
 *
 * <p>Logger {@code dev.tenantwright.plugin.support.RestClient}. Stateless apart from the client name;
 * thread-safe.
 */
public final class LoggingInterceptor implements Interceptor {

  /** The logger name, the public client's class name, so users enable it by the type they know. */
  public static final String LOGGER_NAME = "dev.tenantwright.plugin.support.RestClient";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

  /** Query parameter names whose values are masked: tokens, secrets, keys, passwords, signatures. */
  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(token|secret|key|password|passwd|signature|auth|credential|session).*");

  private static final String MASK = "******";

  private final String clientName;

  /** Creates the interceptor for the client called {@code clientName}. */
  public LoggingInterceptor(String clientName) {
    this.clientName = clientName;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    if (!LOG.isDebugEnabled()) {
      return chain.proceed(chain.request());
    }
    String method = chain.request().method();
    String url = redactedPathAndQuery(chain.request().url());
    long start = System.nanoTime();
    try {
      Response response = chain.proceed(chain.request());
      LOG.debug("{} {} {} -> {} in {} ms", clientName, method, url, response.code(), millisSince(start));
      return response;
    } catch (IOException e) {
      LOG.debug("{} {} {} failed after {} ms: {}", clientName, method, url, millisSince(start), e.getClass().getSimpleName());
      throw e;
    }
  }

  /** The URL's path and query, values of secret-looking parameters replaced by a mask. */
  public static String redactedPathAndQuery(HttpUrl url) {
    StringBuilder sb = new StringBuilder(url.encodedPath());
    for (int i = 0; i < url.querySize(); i++) {
      String name = url.queryParameterName(i);
      String value = url.queryParameterValue(i);
      sb.append(i == 0 ? '?' : '&').append(name);
      if (value != null) {
        sb.append('=').append(isSecretName(name) ? MASK : value);
      }
    }
    return sb.toString();
  }

  static boolean isSecretName(String name) {
    return SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
