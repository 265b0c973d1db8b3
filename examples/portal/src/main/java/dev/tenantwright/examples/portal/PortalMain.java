package dev.tenantwright.examples.portal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the portal until it is stopped (Ctrl-C): {@code java -jar tenantwright-portal.jar --port 8080}. */
@Command(name = "tenantwright-portal", mixinStandardHelpOptions = true, version = "tenantwright portal 0.1",
    description = "A sign-up portal that provisions each new company's demo and live environments, "
        + "with live progress. Runs on the SANDBOX backend unless --blueprint names another blueprint.")
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
      + Portal.SANDBOX_BLUEPRINT + ")")
  String blueprint;

  @Option(names = "--plugin-config", description = "YAML file with one section per backend; ${VAR} is read "
      + "from the environment")
  Path pluginConfig;

  @Option(names = "--param", paramLabel = "NAME=VALUE", description = "a blueprint var for every run; "
      + "{tenant} and {environment} in VALUE become the tenant id and environment name (repeatable)")
  Map<String, String> parameters = new LinkedHashMap<>();

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
        .withSamplePace(Duration.ofMillis(samplePaceMillis));
    Portal portal = Portal.start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      portal.close();
      stop.countDown();
    }, "portal-shutdown"));
    out.println("Tenantwright portal on " + portal.uri() + " - journal " + data.toAbsolutePath());
    out.println(settings.sandbox()
        ? "Backend: SANDBOX (sites run inside this process on 127.0.0.1; nothing leaves this machine)"
        : "Blueprint: " + settings.blueprint());
    out.println("Stop with Ctrl-C.");
    stop.await();
    return 0;
  }
}
