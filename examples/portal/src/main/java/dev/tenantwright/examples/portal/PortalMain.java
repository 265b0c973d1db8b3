package dev.tenantwright.examples.portal;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the portal until it is stopped (Ctrl-C): {@code java -jar tenantwright-portal.jar --port 8080}. */
@Command(name = "tenantwright-portal", mixinStandardHelpOptions = true, version = "tenantwright portal 0.1",
    description = "A sign-up portal that provisions each new company's demo and live environments, "
        + "with live progress. Runs on the SANDBOX backend unless real backends are configured: the bundled sites, "
        + "or with --blueprint one of the example blueprints on the test kit's fakes.")
public final class PortalMain implements Callable<Integer> {

  @Option(names = "--port", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 for any free port)",
      defaultValue = "8080")
  int port;

  @Option(names = "--bind", description = "address to listen on (default: ${DEFAULT-VALUE})",
      defaultValue = "127.0.0.1")
  String bind;

  @Option(names = "--data", description = "journal directory, embedded H2 (default: ${DEFAULT-VALUE})",
      defaultValue = "portal-data")
  Path data;

  @Option(names = "--plugins", description = "directory of PF4J plugin jars (real backends)")
  Path plugins;

  @Option(names = "--blueprints", description = "directory of blueprint YAML files")
  Path blueprints;

  @Option(names = "--blueprint", description = "blueprint of new environments (default: the bundled "
      + Portal.SANDBOX_BLUEPRINT + "); without --plugins, --blueprints and --plugin-config, one of the example "
      + "blueprints runs on the SANDBOX's fakes: vercel-site, erp-frappe, erp-incus, website-compose, merchant")
  String blueprint;

  @Option(names = "--plugin-config", description = "YAML file with one section per backend; ${VAR} is read "
      + "from the environment")
  Path pluginConfig;

  @Option(names = "--param", paramLabel = "NAME=VALUE", description = "a blueprint var for every run; "
      + "{tenant} and {environment} in VALUE become the tenant id and environment name (repeatable)")
  Map<String, String> parameters = new LinkedHashMap<>();

  @Option(names = "--platform-domain", paramLabel = "DOMAIN", description = "a domain under which the platform "
      + "gives tenants host names, e.g. sites.example.com (repeatable); any other name a run uses must be a custom "
      + "domain its tenant has verified")
  List<String> platformDomains = new ArrayList<>();

  @Option(names = "--allowed-host", paramLabel = "HOST[:PORT]", description = "another Host name the portal "
      + "answers to, besides the bound address, 127.0.0.1, localhost and [::1] with its port (repeatable); "
      + "requests for any other name are refused (DNS rebinding)")
  List<String> allowedHosts = new ArrayList<>();

  @Option(names = "--public-url", paramLabel = "URL", description = "the address people use, e.g. "
      + "https://portal.example.com/ behind a TLS proxy: sign-in links start with it, its host is allowed, "
      + "https makes the session cookie Secure")
  URI publicUrl;

  @Option(names = "--trusted-proxy", paramLabel = "ADDR", description = "address of a reverse proxy whose "
      + "X-Forwarded-For names the client, for the per-client limits (repeatable)")
  List<String> trustedProxies = new ArrayList<>();

  @Option(names = "--outbox", description = "file the portal's mail (sign-in links) is written to; it has no "
      + "mail server (default: outbox.txt in --data)")
  Path outbox;

  @Option(names = "--sample-pace", description = "SANDBOX sample data: pause per batch of 5 records in ms "
      + "(default: ${DEFAULT-VALUE})", defaultValue = "250")
  long samplePaceMillis;

  private final PrintStream out;
  private final CountDownLatch stop = new CountDownLatch(1);

  PortalMain(PrintStream out) {
    this.out = out;
  }

  /** Starts the portal and serves until the process is stopped. */
  public static void main(String[] args) {
    // The JDK server reads a request on a pool thread: give up on one that has not arrived in 30 s, so slow
    // clients cannot hold every thread (read once, when the server starts).
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", "30");
    }
    int code = new CommandLine(new PortalMain(System.out)).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Map<String, Object>> config = pluginConfig == null ? Map.of()
        : PluginConfigFile.read(pluginConfig, System::getenv);
    Portal.Settings settings = Portal.Settings.defaults(data)
        .withBindAddress(bind)
        .withPort(port)
        .withBackends(plugins, blueprints, blueprint, config)
        .withParameters(parameters)
        .withPlatformDomains(platformDomains)
        .withSamplePace(Duration.ofMillis(samplePaceMillis))
        .withAccess(Portal.Access.defaults().withAllowedHosts(allowedHosts).withPublicUrl(publicUrl)
            .withTrustedProxies(trustedProxies));
    OutboxMailer mailer = new OutboxMailer((outbox != null ? outbox : data.resolve("outbox.txt")).toAbsolutePath()
        .normalize());
    settings = settings.withMailer(mailer);
    Portal portal = Portal.start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      portal.close();
      stop.countDown();
    }, "portal-shutdown"));
    out.println("Tenantwright portal on " + portal.uri() + " - journal " + data.toAbsolutePath());
    if (settings.sandboxSites()) {
      out.println("Backend: SANDBOX (sites run inside this process on 127.0.0.1; nothing leaves this machine)");
    } else if (portal.sandbox() != null) {
      out.println("Backend: SANDBOX for blueprint " + settings.blueprint() + " (the test kit's fakes in this "
          + "process on 127.0.0.1; nothing leaves this machine)");
      portal.sandbox().describe().forEach(d -> out.println("  SANDBOX " + d));
    } else {
      out.println("Blueprint: " + settings.blueprint());
    }
    out.println("Mail: no mail server; sign-in links are written to " + mailer.file().toAbsolutePath());
    out.println("Stop with Ctrl-C.");
    stop.await();
    return 0;
  }
}
