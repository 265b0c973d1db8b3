package dev.tenantwright.examples.stories;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import dev.tenantwright.testkit.compose.DockerComposeFake;
import dev.tenantwright.testkit.frappe.BenchFake;
import dev.tenantwright.testkit.incus.IncusFake;
import dev.tenantwright.testkit.tls.TlsFake;
import dev.tenantwright.testkit.traefik.TraefikFake;
import dev.tenantwright.testkit.vercel.VercelFake;
import dev.tenantwright.testkit.github.GitHubFake;
import dev.tenantwright.testkit.webhooks.WebhookReceiver;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The sandbox backends: fakes from the test kit standing in for Vercel, Cloudflare, Docker Compose, Traefik, Incus,
 * a Frappe bench and the host's master database (a status webhook receiver), and GreenMail as the SMTP server, all
 * inside this process (servers on 127.0.0.1, fake programs behind a fake command runner), so that a blueprint runs
 * offline against the real plugins, loaded from the classpath.
 *
 * <p>Beside the backends it keeps what a run may point at: a health endpoint ({@link #healthUrl()}), TLS endpoints
 * serving trusted certificates for given names ({@link #tls(String...)}), and an HTTP answer on every port a Compose
 * container publishes, so health checks of published sites pass. Every DNS name under {@link #ZONE} is the
 * platform's to give out.
 *
 * <p>Everything is in memory and lives as long as this object; {@link #close()} stops it all and removes its
 * folders. Thread-safe.
 *
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.start(EnumSet.of(Backend.VERCEL, Backend.CLOUDFLARE))) {
 *   Tenantwright tw = sandbox.configure(Tenantwright.builder().embedded(dir)).blueprint(b).build();
 *   ...
 *   assertThat(sandbox.leftovers(before)).isEmpty();
 * }
 * }</pre>
 */
public final class Sandbox implements AutoCloseable {

  /** The DNS zone of the sandbox's Cloudflare, under which every name is the platform's. */
  public static final String ZONE = CloudflareFake.ZONE_NAME;
  /** The database root password the sandbox's Frappe bench accepts. */
  static final String BENCH_ROOT_PASSWORD = "sandbox-root-password";
  /** The external Docker network Traefik routes on. */
  static final String TRAEFIK_NETWORK = "traefik";
  /** The organisation of the site templates {@code site-<template>} in the sandbox's GitHub. */
  public static final String TEMPLATE_ORG = "tenantwright-templates";
  /** The site templates a customer chooses from. */
  public static final List<String> SITE_TEMPLATES = List.of("portfolio", "business", "ecommerce", "blog");

  /** The status webhook of the host's master database, as {@code examples/blueprints} name it. */
  public static final String MASTER_DB = "master-db";
  /** The sender the mail plugin is configured with: the platform's welcome address, under {@link #ZONE}. */
  public static final String MAIL_FROM = "Example Shops <welcome@shops.example.com>";
  /** How {@link #liveObjects()} lines of received mail begin; {@link #leftovers} leaves them out. */
  private static final String MAIL = "mail: ";

  private final Set<Backend> backends;
  private final Path root;
  private final CommandRunnerFake runner = new CommandRunnerFake();
  private final VercelFake vercel;
  private final CloudflareFake cloudflare;
  private final DockerComposeFake compose;
  private final TraefikFake traefik;
  private final IncusFake incus;
  private final BenchFake bench;
  private final WebhookReceiver masterDb;
  private final GitHubFake github;
  private final GitHubPushes gitHubPushes;
  private final GreenMail mail;
  private final PublishedPorts ports = new PublishedPorts();
  private final Map<List<String>, TlsFake> tls = new ConcurrentHashMap<>();
  private HttpServer health;

  private Sandbox(Set<Backend> backends, Path root, List<AutoCloseable> started) throws IOException {
    this.backends = Set.copyOf(backends);
    this.root = root;
    vercel = backends.contains(Backend.VERCEL) ? add(started, new VercelFake()) : null;
    cloudflare = backends.contains(Backend.CLOUDFLARE) ? add(started, new CloudflareFake()) : null;
    traefik = backends.contains(Backend.TRAEFIK)
        ? add(started, new TraefikFake(Files.createDirectories(root.resolve("traefik-dynamic")))
            .throttle(Duration.ofMillis(100)))
        : null;
    incus = backends.contains(Backend.INCUS) ? add(started, new IncusFake()) : null;
    masterDb = backends.contains(Backend.MASTER_DB) ? add(started, WebhookReceiver.start()) : null;
    if (backends.contains(Backend.GITHUB)) {
      github = add(started, new GitHubFake());
      for (String template : SITE_TEMPLATES) {
        github.putTemplate(TEMPLATE_ORG, "site-" + template);
      }
      gitHubPushes = add(started, GitHubPushes.start());
    } else {
      github = null;
      gitHubPushes = null;
    }
    if (backends.contains(Backend.MAIL)) {
      mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
      started.add(mail::stop);
      mail.start();
    } else {
      mail = null;
    }
    if (backends.contains(Backend.COMPOSE)) {
      Files.createDirectories(composeSites());
      compose = new DockerComposeFake();
      if (traefik != null) {
        compose.externalNetwork(TRAEFIK_NETWORK);
      }
      runner.on(compose);
      // What a Docker host does beside Compose: published ports answer, Traefik's docker provider sees services.
      compose.afterEachCall(n -> ports.follow(compose, traefik));
    } else {
      compose = null;
    }
    if (backends.contains(Backend.FRAPPE)) {
      bench = new BenchFake().rootCredentials("root", BENCH_ROOT_PASSWORD);
      bench.attachTo(runner);
      if (compose != null) {
        // Both play `docker`: the bench its `docker exec` into the Frappe container, Compose the rest.
        DockerComposeFake composeFake = compose;
        BenchFake benchFake = bench;
        runner.on("docker", command -> command.argv().size() > 1 && command.argv().get(1).equals("exec")
            ? benchFake.handle(command) : composeFake.handle(command));
      }
    } else {
      bench = null;
    }
    if (vercel != null && cloudflare != null) {
      // Vercel sees a domain configured once the Cloudflare zone holds the record it recommends.
      vercel.dnsLookup((type, name) -> cloudflare.records().stream()
          .filter(r -> r.type().equals(type) && r.name().equals(name)).map(CloudflareFake.DnsRecord::content).toList());
    }
  }

  /** Starts the fakes of {@code backends}. */
  public static Sandbox start(Set<Backend> backends) {
    List<AutoCloseable> started = new ArrayList<>();
    Path root = null;
    try {
      root = Files.createTempDirectory("tenantwright-sandbox");
      return new Sandbox(backends.isEmpty() ? EnumSet.noneOf(Backend.class) : EnumSet.copyOf(backends), root,
          started);
    } catch (IOException | RuntimeException e) {
      started.forEach(Sandbox::closeQuietly);
      if (root != null) {
        delete(root);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
  }

  private static <T extends AutoCloseable> T add(List<AutoCloseable> started, T fake) {
    started.add(fake);
    return fake;
  }

  /** The backends this sandbox stands in for. */
  public Set<Backend> backends() {
    return backends;
  }

  /**
   * Points the plugins of the started backends (loaded from the classpath) at the fakes: their configuration
   * sections, the command runner, the platform's DNS zone, and loopback as a place health checks may reach.
   */
  public Tenantwright.Builder configure(Tenantwright.Builder builder) {
    builder.classpathPlugins(true)
        .commandRunner(runner)
        .platformDomains(ZONE)          // DNS names in the sandbox zone are the platform's to give out
        .egressAllow("127.0.0.1");      // the sandbox's sites and endpoints answer on loopback
    if (vercel != null) {
      builder.pluginConfig("vercel", Map.of("token", VercelFake.TOKEN, "baseUrl", vercel.baseUrl(),
          "pollInterval", "20ms", "maxPollInterval", "100ms"));
    }
    if (cloudflare != null) {
      builder.pluginConfig("cloudflare", Map.of("token", CloudflareFake.TOKEN, "zoneId", CloudflareFake.ZONE_ID,
          "baseUrl", cloudflare.baseUrl()));
    }
    if (compose != null) {
      builder.pluginConfig("compose", traefik == null
          ? Map.of("rootDir", composeSites().toString())
          : Map.of("rootDir", composeSites().toString(), "certResolver", "le", "traefikNetwork", TRAEFIK_NETWORK));
    }
    if (traefik != null) {
      builder.pluginConfig("traefik", Map.of("directory", traefik.directory().toString(), "apiUrl", traefik.baseUrl(),
          "serviceProviders", List.of("docker"), "certResolver", "le", "verifyTimeoutSeconds", 10,
          "pollIntervalMillis", 50));
    }
    if (incus != null) {
      builder.pluginConfig("incus", Map.of("url", incus.baseUrl(), "addressTimeoutSeconds", 0));
    }
    if (bench != null) {
      builder.pluginConfig("frappe", Map.of("transport", "local", "benchDir", BenchFake.DEFAULT_BENCH_DIR,
          "dbRootPassword", BENCH_ROOT_PASSWORD));
    }
    if (masterDb != null) {
      builder.statusWebhook(masterDb.statusWebhook(MASTER_DB));
    }
    if (github != null) {
      builder.pluginConfig("github", Map.of("token", GitHubFake.TOKEN, "apiUrl", github.baseUrl(),
          "pollInterval", "10ms", "maxPollInterval", "50ms", "allowHttpHooks", true));
    }
    if (mail != null) {
      builder.pluginConfig("mail", mailConfig(mail.getSmtp().getPort()));
    }
    return builder;
  }

  /**
   * The mail plugin's section for a plain SMTP server on 127.0.0.1:{@code port} (loopback: no TLS, no login), with
   * short time-outs: GreenMail answers at once.
   */
  static Map<String, Object> mailConfig(int port) {
    return Map.of("host", "127.0.0.1", "port", port, "tls", "none", "from", MAIL_FROM, "connectTimeout", "2s",
        "timeout", "5s");
  }

  /** One line per fake, for a banner. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    if (vercel != null) {
      lines.add("vercel     " + vercel.baseUrl() + " (VercelFake)");
    }
    if (cloudflare != null) {
      lines.add("cloudflare " + cloudflare.baseUrl() + " (CloudflareFake, zone " + ZONE + ")");
    }
    if (compose != null) {
      lines.add("compose    fake `docker compose` (DockerComposeFake), sites in " + composeSites());
    }
    if (traefik != null) {
      lines.add("traefik    " + traefik.baseUrl() + " (TraefikFake), routes in " + traefik.directory());
    }
    if (incus != null) {
      lines.add("incus      " + incus.baseUrl() + " (IncusFake, image " + IncusFake.DEFAULT_IMAGE + ")");
    }
    if (bench != null) {
      lines.add("frappe     fake `bench` (BenchFake) in " + BenchFake.DEFAULT_BENCH_DIR);
    }
    if (masterDb != null) {
      lines.add("master-db  " + masterDb.url() + " (WebhookReceiver: the host's master database, status webhook "
          + MASTER_DB + ")");
    }
    if (github != null) {
      lines.add("github     " + github.baseUrl() + " (GitHubFake, templates " + TEMPLATE_ORG + "/site-*), pushes to "
          + gitHubPushes.url());
    }
    if (mail != null) {
      lines.add("mail       smtp://127.0.0.1:" + mail.getSmtp().getPort() + " (GreenMail: keeps every message, sender "
          + MAIL_FROM + ")");
    }
    return lines;
  }

  public GitHubFake github() {
    return present(github, Backend.GITHUB);
  }

  /** The host's endpoint the repositories' push webhooks deliver to. */
  public GitHubPushes gitHubPushes() {
    return present(gitHubPushes, Backend.GITHUB);
  }

  public VercelFake vercel() {
    return present(vercel, Backend.VERCEL);
  }

  public CloudflareFake cloudflare() {
    return present(cloudflare, Backend.CLOUDFLARE);
  }

  public DockerComposeFake compose() {
    return present(compose, Backend.COMPOSE);
  }

  public TraefikFake traefik() {
    return present(traefik, Backend.TRAEFIK);
  }

  public IncusFake incus() {
    return present(incus, Backend.INCUS);
  }

  public BenchFake bench() {
    return present(bench, Backend.FRAPPE);
  }

  public WebhookReceiver masterDb() {
    return present(masterDb, Backend.MASTER_DB);
  }

  /** The SMTP server: every message the mail plugin sent, {@code getReceivedMessages()} once per recipient. */
  public GreenMail mail() {
    return present(mail, Backend.MAIL);
  }

  /**
   * The messages the SMTP server received, in arrival order, one line per copy it keeps (one per recipient
   * mailbox): {@code <Message-ID> to <recipients> "<subject>"}; empty when this sandbox has no {@link Backend#MAIL}.
   * Bodies are not shown: they may carry a generated password.
   */
  public List<String> mails() {
    if (mail == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (MimeMessage m : mail.getReceivedMessages()) {
      try {
        Address[] to = m.getAllRecipients();
        String recipients = to == null ? "(nobody)"
            : Stream.of(to).map(Address::toString).collect(Collectors.joining(", "));
        out.add(m.getMessageID() + " to " + recipients + " \"" + m.getSubject() + "\"");
      } catch (MessagingException e) {
        out.add("(a message that does not parse: " + e.getMessage() + ")");
      }
    }
    return out;
  }

  private static <T> T present(T fake, Backend backend) {
    if (fake == null) {
      throw new IllegalStateException("this sandbox was started without " + backend);
    }
    return fake;
  }

  /**
   * A TLS endpoint on 127.0.0.1 whose certificate, signed by a CA of its own ({@link TlsFake#caPem()}), covers
   * exactly {@code names}: what a certificate check connects to instead of resolving the names. Started on first
   * use; the same names give the same endpoint.
   */
  public TlsFake tls(String... names) {
    return tls.computeIfAbsent(List.of(names), n -> TlsFake.serving(names));
  }

  /** A URL on 127.0.0.1 that answers 200 to every GET: the live site a health check of a fake deployment asks. */
  public synchronized String healthUrl() {
    if (health == null) {
      health = serve(0, () -> "ok\n");
    }
    return "http://127.0.0.1:" + health.getAddress().getPort() + "/health";
  }

  /**
   * Everything the fakes hold now, one line each, prefixed with the backend's name; received mail as
   * {@code mail: } and {@link #mails()}' line.
   */
  public List<String> liveObjects() {
    List<String> out = new ArrayList<>();
    addAll(out, "vercel", vercel == null ? null : vercel.liveObjects());
    addAll(out, "cloudflare", cloudflare == null ? null : cloudflare.liveObjects());
    addAll(out, "compose", compose == null ? null : compose.liveObjects());
    addAll(out, "traefik", traefik == null ? null : traefik.liveObjects());
    addAll(out, "incus", incus == null ? null : incus.liveObjects());
    addAll(out, "frappe", bench == null ? null : bench.liveObjects());
    addAll(out, "github", github == null ? null : github.liveObjects());
    if (masterDb != null) {
      masterDb.summary().forEach((event, keys) -> keys.forEach(k -> out.add(MASTER_DB + ": " + event + " " + k)));
    }
    mails().forEach(m -> out.add(MAIL + m));
    return out;
  }

  private static void addAll(List<String> out, String backend, Collection<String> objects) {
    if (objects != null) {
      objects.forEach(o -> out.add(backend + ": " + o));
    }
  }

  /**
   * What the fakes hold now that they did not hold at {@code before} (an earlier {@link #liveObjects()}): what a
   * rollback since then left behind. Received mail is not counted: a sent message cannot be unsent (the mail plugin's
   * delete leaves it as it is), so a rollback cannot remove one; a blueprint sends mail last, and a story checks
   * {@link #mails()} itself.
   */
  public List<String> leftovers(Collection<String> before) {
    Set<String> earlier = Set.copyOf(before);
    return liveObjects().stream().filter(o -> !o.startsWith(MAIL) && !earlier.contains(o)).toList();
  }

  private Path composeSites() {
    return root.resolve("sites");
  }

  /** Stops every fake, endpoint and published port, and removes the sandbox's folders. */
  @Override
  public void close() {
    Stream.of(vercel, cloudflare, traefik, incus, masterDb, github, gitHubPushes).forEach(Sandbox::closeQuietly);
    if (mail != null) {
      closeQuietly(mail::stop);
    }
    tls.values().forEach(Sandbox::closeQuietly);
    ports.close();
    synchronized (this) {
      if (health != null) {
        health.stop(0);
      }
    }
    delete(root);
  }

  /** Serves {@code body} as text to every request on 127.0.0.1:{@code port} (0: any free port). */
  static HttpServer serve(int port, Supplier<String> body) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      server.createContext("/", exchange -> {
        byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // closing a fake at the end: nothing more to do about it
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
