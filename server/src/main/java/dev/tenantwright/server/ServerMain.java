package dev.tenantwright.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar tenantwright-server.jar [--config server.yaml] [--port N] [--sandbox]}: starts the server and
 * serves until stopped (SIGTERM drains the engine). {@code token create} issues an API token into the server store
 * while the server is stopped (the embedded store is one process's) or on a shared (PostgreSQL) store at any time.
 */
@Command(name = "tenantwright-server", mixinStandardHelpOptions = true,
    description = "Tenantwright over HTTP: REST API, event streams, operator console.",
    subcommands = ServerMain.TokenCommand.class)
public final class ServerMain implements Callable<Integer> {

  @Option(names = "--config", description = "A YAML or .properties file (see the README); absent: the defaults.")
  Path config;

  @Option(names = "--port", description = "The port (overrides the file; 0 picks a free one).")
  Integer port;

  @Option(names = "--host", description = "The address to listen on (default 127.0.0.1).")
  String host;

  @Option(names = "--data", description = "The data directory (default ./data).")
  Path data;

  @Option(names = "--sandbox", description = "Play every backend with in-process fakes and load the example"
      + " blueprints: try the API without any account.")
  boolean sandbox;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ServerMain()).execute(args));
  }

  ServerConfig.Builder builder() {
    ServerConfig.Builder b = config != null ? ServerConfig.load(config)
        : Files.exists(Path.of("tenantwright-server.yaml")) ? ServerConfig.load(Path.of("tenantwright-server.yaml"))
        : ServerConfig.builder();
    if (port != null) {
      b.port(port);
    }
    if (host != null) {
      b.host(host);
    }
    if (data != null) {
      b.dataDir(data);
    }
    if (sandbox) {
      b.sandbox(true);
    }
    return b;
  }

  @Override
  public Integer call() throws InterruptedException {
    TenantwrightServer server = TenantwrightServer.start(builder().build());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tw-server-shutdown"));
    System.out.println("Tenantwright server on " + server.url() + " - console " + server.url() + "/console/");
    server.awaitStop();
    return 0;
  }

  /** {@code token create --name N (--admin | --tenant T)}: prints a new token once. */
  @Command(name = "token", description = "Manage API tokens in the server store.",
      subcommands = TokenCommand.Create.class)
  static final class TokenCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Issue a token and print it once.")
    static final class Create implements Callable<Integer> {
      @CommandLine.ParentCommand
      TokenCommand parent;

      @Option(names = "--name", required = true, description = "Who uses it (recorded as the actor).")
      String name;

      @Option(names = "--admin", description = "May do everything.")
      boolean admin;

      @Option(names = "--tenant", description = "May only read this tenant.")
      String tenant;

      @CommandLine.Spec
      CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() {
        if (admin == (tenant != null)) {
          throw new CommandLine.ParameterException(spec.commandLine(), "give either --admin or --tenant <id>");
        }
        ServerMain main = (ServerMain) spec.root().userObject();
        ServerConfig config = main.builder().build();
        try (ServerStore store = ServerStore.open(config)) {
          ApiTokens tokens = new ApiTokens(store, java.time.Clock.systemUTC(), config.ratePerMinute());
          System.out.println(tokens.issue(name, admin ? "admin" : "tenant", tenant, null).secret());
        }
        return 0;
      }
    }
  }
}
