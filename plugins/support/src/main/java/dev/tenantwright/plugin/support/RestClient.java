package dev.tenantwright.plugin.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tenantwright.plugin.support.internal.ErrorClassifier;
import dev.tenantwright.plugin.support.internal.LoggingInterceptor;
import dev.tenantwright.plugin.support.internal.RequestProgress;
import dev.tenantwright.plugin.support.internal.SharedHttp;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * A client for one backend's REST API that every HTTP plugin uses, so that all of them authenticate, time
 * out, log and — above all — fail the same way.
 *
 * <p>A call returns a {@link RestResponse} for a 2xx status (or one the request
 * {@linkplain RestRequest#expect(int...) expects}) and otherwise throws the SPI's exceptions, classified
 * in one place: 429 → {@link RetryableException#rateLimited} honouring {@code Retry-After}; 5xx →
 * {@link RetryableException}, outcome unknown unless the method was GET or HEAD; other 4xx →
 * {@link PermanentException} carrying method, path, status and the backend's own message; a path with a
 * {@code .} or {@code ..} segment → {@link PermanentException} before anything is sent (build paths from
 * tenant-supplied ids with {@link RestRequest#pathOf}); a refused
 * connection or unknown host → retryable with a known outcome; a timeout after the request went out →
 * retryable with an unknown outcome (known for GET). Plugins never classify statuses themselves.
 *
 * <p>Immutable and thread-safe; build one per plugin configuration and keep it. All clients share one
 * OkHttp connection pool. Credentials are held as {@link Secret}s and appear in no log line and no
 * exception message: requests are logged at debug (method, path, status, duration; secret-looking query
 * values masked) on the logger {@code dev.tenantwright.plugin.support.RestClient}, never with headers or
 * bodies.
 *
 * <p>Inside a step, call through {@link #forStep(StepContext) forStep(ctx)}: the calls then carry the step's trace
 * context, so that a backend that traces joins the host's trace of the step.
 *
 * <pre>{@code
 * RestClient vercel = RestClient.builder()
 *     .name("vercel")
 *     .baseUrl("https://api.vercel.com")
 *     .bearerToken(config.token())
 *     .defaultQuery("teamId", config.teamId())       // skipped when null
 *     .readTimeout(Duration.ofSeconds(30))
 *     .build();
 * Project p = vercel.post("/v11/projects", new CreateProject(name)).as(Project.class);
 * }</pre>
 */
public final class RestClient {

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final byte[] EMPTY = new byte[0];

  /**
   * The largest response body read into memory (16 MiB). No API answer we use comes near it; a larger one is a
   * misbehaving or hostile server, refused rather than buffered.
   */
  public static final long MAX_RESPONSE_BYTES = 16L << 20;
  /** Methods OkHttp refuses to send without a body; an absent body becomes an empty one. */
  private static final Set<String> BODY_REQUIRED = Set.of("POST", "PUT", "PATCH", "PROPPATCH", "REPORT");

  private final String name;
  private final HttpUrl baseUrl;
  private final Map<String, Secret> authHeaders;
  private final Map<String, String> defaultHeaders;
  private final List<Map.Entry<String, String>> defaultQuery;
  private final String userAgent;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration callTimeout;
  private final Duration defaultRetryAfter;
  private final ErrorDecoder errorDecoder;
  private final Path unixSocket;
  private final SSLSocketFactory sslSocketFactory;
  private final X509TrustManager trustManager;
  private final List<Interceptor> interceptors;
  private final Clock clock;
  private final OkHttpClient base;
  private final List<Secret> secrets;
  private final OkHttpClient http;
  private final ErrorClassifier classifier;
  /** The trace context of the step this client calls for ({@link #forStep}); empty otherwise. */
  private final Map<String, String> stepHeaders;

  private RestClient(Builder b) {
    this.unixSocket = b.unixSocket;
    String url = b.baseUrl != null ? b.baseUrl : (unixSocket != null ? "http://localhost" : null);
    if (url == null) {
      throw new IllegalStateException("baseUrl is required (or unixSocket, for a local daemon)");
    }
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null) {
      throw new IllegalArgumentException("not an http(s) URL: " + url);
    }
    if (parsed.querySize() > 0) {
      throw new IllegalArgumentException("baseUrl must not carry a query; use defaultQuery(name, value)");
    }
    this.baseUrl = parsed;
    this.name = b.name != null ? b.name : parsed.host();
    this.authHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(b.authHeaders));
    this.defaultHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(b.defaultHeaders));
    this.defaultQuery = List.copyOf(b.defaultQuery);
    this.userAgent = b.userAgent;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.callTimeout = b.callTimeout;
    this.defaultRetryAfter = b.defaultRetryAfter;
    this.errorDecoder = b.errorDecoder;
    this.sslSocketFactory = b.sslSocketFactory;
    this.trustManager = b.trustManager;
    this.interceptors = List.copyOf(b.interceptors);
    this.clock = b.clock;
    this.base = b.base;
    this.secrets = List.copyOf(b.secrets);
    this.classifier = new ErrorClassifier(name, errorDecoder, defaultRetryAfter, clock, secrets);

    OkHttpClient.Builder ok =
        base.newBuilder()
            .connectTimeout(connectTimeout)
            .readTimeout(readTimeout)
            .writeTimeout(readTimeout)
            .callTimeout(callTimeout)
            .eventListenerFactory(RequestProgress.LISTENER_FACTORY);
    interceptors.forEach(ok::addInterceptor);
    ok.addInterceptor(new LoggingInterceptor(name));
    if (unixSocket != null) {
      SharedHttp.overUnixSocket(ok, unixSocket);
    }
    if (sslSocketFactory != null) {
      ok.sslSocketFactory(sslSocketFactory, trustManager);
      if (b.pinned) {
        // the pinned certificate is the whole trust decision: the server's name is not checked as well
        ok.hostnameVerifier((host, session) -> true);
      }
    }
    this.http = ok.build();
    this.stepHeaders = Map.of();
  }

  /** {@code c} calling for one step: the same configuration and connections, plus the step's headers. */
  private RestClient(RestClient c, Map<String, String> stepHeaders) {
    this.name = c.name;
    this.baseUrl = c.baseUrl;
    this.authHeaders = c.authHeaders;
    this.defaultHeaders = c.defaultHeaders;
    this.defaultQuery = c.defaultQuery;
    this.userAgent = c.userAgent;
    this.connectTimeout = c.connectTimeout;
    this.readTimeout = c.readTimeout;
    this.callTimeout = c.callTimeout;
    this.defaultRetryAfter = c.defaultRetryAfter;
    this.errorDecoder = c.errorDecoder;
    this.unixSocket = c.unixSocket;
    this.sslSocketFactory = c.sslSocketFactory;
    this.trustManager = c.trustManager;
    this.interceptors = c.interceptors;
    this.clock = c.clock;
    this.base = c.base;
    this.secrets = c.secrets;
    this.http = c.http;
    this.classifier = c.classifier;
    this.stepHeaders = Map.copyOf(stepHeaders);
  }

  /** Starts a client configuration with defaults: 10 s connect, 30 s read, 2 min per call, 5 s rate-limit wait. */
  public static Builder builder() {
    return new Builder();
  }

  private String boundedBody(RestRequest request, Response r) throws IOException {
    ResponseBody body = r.body();
    BufferedSource source = body.source();
    if (source.request(MAX_RESPONSE_BYTES + 1)) {
      throw new PermanentException(name + ": " + request.method() + " " + request.path() + " answered "
          + r.code() + " with a body larger than " + MAX_RESPONSE_BYTES + " bytes; refused without reading it");
    }
    MediaType type = body.contentType();
    Charset charset = type == null ? null : type.charset(null);
    return source.readString(charset == null ? StandardCharsets.UTF_8 : charset);
  }

  /**
   * This client calling for one step attempt: every call also sends the attempt's trace context — the W3C Trace
   * Context headers {@code traceparent} and {@code tracestate} of {@link StepContext#traceHeaders()} — so that a
   * backend that traces its requests joins the host's trace of the step. A header the client or the request sets
   * itself wins. Cheap (it shares this client's configuration and connections): make one per attempt, where
   * {@code create} or {@code delete} starts. When the host traces nothing it is this client itself.
   *
   * <pre>{@code
   * public CreateResult<ProjectOutputs> create(ProjectSpec spec, StepContext ctx) {
   *   RestClient http = vercel.forStep(ctx);
   *   RestResponse found = http.call(RestRequest.get(RestRequest.pathOf("/v9/projects/{name}", ctx.resourceName()))
   *       .expect(404));
   *   ...
   * }
   * }</pre>
   *
   * <p>The headers belong to that attempt only: keep the returned client no longer than the call to the step.
   * {@link #newBuilder()} of it does not carry them.
   */
  public RestClient forStep(StepContext ctx) {
    Map<String, String> headers = Objects.requireNonNull(ctx, "ctx").traceHeaders();
    return headers.isEmpty() && stepHeaders.isEmpty() ? this : new RestClient(this, headers);
  }

  /** A builder holding this client's configuration, to derive a variant (another token, a longer timeout). */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /** The client's name in messages and logs, e.g. {@code vercel}. */
  public String name() {
    return name;
  }

  /** The base URL requests are resolved against. */
  public String baseUrl() {
    return baseUrl.toString();
  }

  /**
   * Makes one call: the canonical method every shortcut delegates to.
   *
   * @return the response, if its status is 2xx or one the request expects
   * @throws RetryableException for 429, 408, 5xx and I/O failures (see the class description)
   * @throws PermanentException for every other status, and for a body that cannot be written as JSON
   */
  public RestResponse call(RestRequest request) {
    Objects.requireNonNull(request, "request");
    Request.Builder rb = new Request.Builder().url(url(request));
    stepHeaders.forEach(rb::header);
    rb.header("User-Agent", userAgent);
    rb.header("Accept", "application/json");
    defaultHeaders.forEach(rb::header);
    authHeaders.forEach((header, value) -> rb.header(header, value.reveal()));
    request.headers().forEach(rb::header);
    rb.method(request.method(), body(request));
    RequestProgress progress = new RequestProgress();
    rb.tag(RequestProgress.class, progress);

    Call call = http.newCall(rb.build());
    if (request.timeout() != null) {
      call.timeout().timeout(request.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    RestResponse response;
    try (Response r = call.execute()) {
      response =
          new RestResponse(request.method(), request.path(), r.code(), headers(r), boundedBody(request, r), classifier);
    } catch (IOException e) {
      throw classifier.classify(request.method(), request.path(), e, progress.requestSent());
    }
    if (!request.returns(response.status())) {
      throw classifier.classify(response);
    }
    return response;
  }

  /** GET {@code path}. */
  public RestResponse get(String path) {
    return call(RestRequest.get(path));
  }

  /** GET {@code path} with query parameters (null values skipped). */
  public RestResponse get(String path, Map<String, ?> query) {
    return call(RestRequest.get(path).query(query));
  }

  /** POST {@code body} as JSON to {@code path}. */
  public RestResponse post(String path, @Nullable Object body) {
    return call(RestRequest.post(path, body));
  }

  /** POST {@code body} as JSON to {@code path} with query parameters. */
  public RestResponse post(String path, Map<String, ?> query, @Nullable Object body) {
    return call(RestRequest.post(path, body).query(query));
  }

  /** PUT {@code body} as JSON to {@code path}. */
  public RestResponse put(String path, @Nullable Object body) {
    return call(RestRequest.put(path, body));
  }

  /** PUT {@code body} as JSON to {@code path} with query parameters. */
  public RestResponse put(String path, Map<String, ?> query, @Nullable Object body) {
    return call(RestRequest.put(path, body).query(query));
  }

  /** PATCH {@code path} with {@code body} as JSON. */
  public RestResponse patch(String path, @Nullable Object body) {
    return call(RestRequest.patch(path, body));
  }

  /** PATCH {@code path} with {@code body} as JSON and query parameters. */
  public RestResponse patch(String path, Map<String, ?> query, @Nullable Object body) {
    return call(RestRequest.patch(path, body).query(query));
  }

  /** DELETE {@code path}. */
  public RestResponse delete(String path) {
    return call(RestRequest.delete(path));
  }

  /** DELETE {@code path} with query parameters. */
  public RestResponse delete(String path, Map<String, ?> query) {
    return call(RestRequest.delete(path).query(query));
  }

  private HttpUrl url(RestRequest request) {
    HttpUrl.Builder url = baseUrl.newBuilder();
    String path = request.path();
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (!path.isEmpty()) {
      // one segment at a time: OkHttp would resolve "." and ".." (v9/projects/../../v2/user is /v2/user) and
      // addPathSegments would also split on '\\'; a dot segment is never a legitimate REST path here
      for (String segment : path.split("/", -1)) {
        if (segment.equals(".") || segment.equals("..")) {
          throw new PermanentException(name + ": " + request.method() + " " + request.path()
              + ": refusing a path with the segment '" + segment + "'");
        }
        url.addPathSegment(segment);
      }
    }
    Set<String> own = new HashSet<>();
    for (Map.Entry<String, String> q : request.queryParameters()) {
      own.add(q.getKey());
    }
    for (Map.Entry<String, String> q : defaultQuery) {
      if (!own.contains(q.getKey())) {
        url.addQueryParameter(q.getKey(), q.getValue());
      }
    }
    for (Map.Entry<String, String> q : request.queryParameters()) {
      url.addQueryParameter(q.getKey(), q.getValue());
    }
    return url.build();
  }

  private static Map<String, List<String>> headers(Response response) {
    Map<String, List<String>> out = new TreeMap<>();
    response.headers().toMultimap().forEach((header, values) -> out.put(header, List.copyOf(values)));
    return Collections.unmodifiableMap(out);
  }

  private RequestBody body(RestRequest request) {
    byte[] raw = request.rawBody();
    if (raw != null) {
      return RequestBody.create(raw, MediaType.get(request.rawMediaType()));
    }
    Object json = request.jsonBody();
    if (json != null) {
      try {
        return RequestBody.create(SupportJson.mapper().writeValueAsBytes(json), JSON);
      } catch (JsonProcessingException e) {
        throw new PermanentException(
            name + ": " + request + ": body cannot be written as JSON: " + e.getOriginalMessage(), e);
      }
    }
    return BODY_REQUIRED.contains(request.method()) ? RequestBody.create(EMPTY, null) : null;
  }

  /**
   * Configures a {@link RestClient}. Not thread-safe; {@link #build()} copies everything, so a builder may
   * be reused.
   */
  public static final class Builder {
    private String name;
    private String baseUrl;
    private final Map<String, Secret> authHeaders = new LinkedHashMap<>();
    private final Map<String, String> defaultHeaders = new LinkedHashMap<>();
    private final List<Map.Entry<String, String>> defaultQuery = new ArrayList<>();
    private String userAgent = "tenantwright";
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private Duration callTimeout = Duration.ofMinutes(2);
    private Duration defaultRetryAfter = Duration.ofSeconds(5);
    private ErrorDecoder errorDecoder = ErrorDecoder.standard();
    private Path unixSocket;
    private SSLSocketFactory sslSocketFactory;
    private X509TrustManager trustManager;
    private boolean pinned;
    private final List<Interceptor> interceptors = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private OkHttpClient base = SharedHttp.base();
    private final List<Secret> secrets = new ArrayList<>();

    private Builder() {}

    private Builder(RestClient c) {
      this.name = c.name;
      this.baseUrl = c.baseUrl.toString();
      this.authHeaders.putAll(c.authHeaders);
      this.defaultHeaders.putAll(c.defaultHeaders);
      this.defaultQuery.addAll(c.defaultQuery);
      this.userAgent = c.userAgent;
      this.connectTimeout = c.connectTimeout;
      this.readTimeout = c.readTimeout;
      this.callTimeout = c.callTimeout;
      this.defaultRetryAfter = c.defaultRetryAfter;
      this.errorDecoder = c.errorDecoder;
      this.unixSocket = c.unixSocket;
      this.sslSocketFactory = c.sslSocketFactory;
      this.trustManager = c.trustManager;
      this.interceptors.addAll(c.interceptors);
      this.clock = c.clock;
      this.base = c.base;
      this.secrets.addAll(c.secrets);
    }

    /** The name used in exception messages and log lines, e.g. {@code vercel}; defaults to the URL's host. */
    public Builder name(String name) {
      this.name = requireText(name, "name");
      return this;
    }

    /**
     * The URL paths are resolved below, e.g. {@code https://api.cloudflare.com/client/v4}; its path is
     * kept. Optional with {@link #unixSocket(Path)}, where the host is only a placeholder.
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = requireText(baseUrl, "baseUrl");
      return this;
    }

    /** Sends {@code Authorization: Bearer <token>} on every request. */
    public Builder bearerToken(Secret token) {
      Objects.requireNonNull(token, "token");
      secrets.add(token);
      return authHeader("Authorization", Secret.of("Bearer " + token.reveal()));
    }

    /** Sends a secret-valued header on every request, e.g. {@code X-Auth-Key}; replaces one of the same name. */
    public Builder authHeader(String header, Secret value) {
      Objects.requireNonNull(value, "value");
      authHeaders.put(requireText(header, "header"), value);
      secrets.add(value);
      return this;
    }

    /** Sends a plain header on every request, e.g. {@code X-Auth-Email}. */
    public Builder header(String header, String value) {
      defaultHeaders.put(requireText(header, "header"), Objects.requireNonNull(value, "value of " + header));
      return this;
    }

    /** The {@code User-Agent} header; default {@code tenantwright}. */
    public Builder userAgent(String userAgent) {
      this.userAgent = requireText(userAgent, "userAgent");
      return this;
    }

    /**
     * Adds a query parameter to every request that does not set the same name itself, e.g. Vercel's
     * {@code teamId}. A null value adds nothing, so optional configuration needs no {@code if}.
     */
    public Builder defaultQuery(String name, @Nullable Object value) {
      requireText(name, "name");
      if (value != null) {
        defaultQuery.add(Map.entry(name, value.toString()));
      }
      return this;
    }

    /** How long establishing a connection may take; default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = requireTimeout(timeout, "connectTimeout");
      return this;
    }

    /** How long the backend may stay silent while sending or answering; default 30 s. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = requireTimeout(timeout, "readTimeout");
      return this;
    }

    /** How long a whole call may take, {@link Duration#ZERO} for no limit; default 2 min. */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = requireTimeout(timeout, "callTimeout");
      return this;
    }

    /** The wait reported for a 429 that has no usable {@code Retry-After}; default 5 s. */
    public Builder defaultRetryAfter(Duration wait) {
      Objects.requireNonNull(wait, "wait");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("defaultRetryAfter must not be negative");
      }
      this.defaultRetryAfter = wait;
      return this;
    }

    /** How backend messages are read from error bodies; default {@link ErrorDecoder#standard()}. */
    public Builder errorDecoder(ErrorDecoder decoder) {
      this.errorDecoder = Objects.requireNonNull(decoder, "decoder");
      return this;
    }

    /**
     * Sends every request over the unix socket at {@code socket} (Incus {@code /var/lib/incus/unix.socket},
     * Docker {@code /var/run/docker.sock}) instead of TCP; the base URL's host, {@code localhost} by
     * default, is only a placeholder and is never resolved.
     */
    public Builder unixSocket(Path socket) {
      this.unixSocket = Objects.requireNonNull(socket, "socket");
      return this;
    }

    /** TLS settings for HTTPS backends that need a client certificate or a pinned server certificate (Incus). */
    public Builder tls(SSLSocketFactory socketFactory, X509TrustManager trustManager) {
      this.sslSocketFactory = Objects.requireNonNull(socketFactory, "socketFactory");
      this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
      this.pinned = false;
      return this;
    }

    /**
     * TLS whose {@code trustManager} accepts exactly one pinned server certificate, so that certificate is the whole
     * trust decision and the host name the URL names is not checked against it (Incus's self-signed certificates
     * rarely name the address they are reached at). The client still derives from the shared one, which never
     * silently re-sends a request.
     */
    public Builder pinnedTls(SSLSocketFactory socketFactory, X509TrustManager trustManager) {
      tls(socketFactory, trustManager);
      this.pinned = true;
      return this;
    }

    /** Adds an OkHttp application interceptor, run before the client's own logging. */
    public Builder addInterceptor(Interceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** The clock HTTP-date {@code Retry-After} values are measured against; tests pass a fixed one. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The OkHttp client to derive from; default the one shared by all plugins. Pass another only for
     * settings this builder lacks: a client from elsewhere does not share the plugins' connection pool.
     */
    public Builder okHttpClient(OkHttpClient client) {
      this.base = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Builds the immutable client. */
    public RestClient build() {
      return new RestClient(this);
    }

    private static String requireText(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }

    private static Duration requireTimeout(Duration timeout, String what) {
      Objects.requireNonNull(timeout, what);
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative");
      }
      return timeout;
    }
  }
}
