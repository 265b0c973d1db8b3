package dev.tenantwright.cli;

import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.ApiProblemException;
import dev.tenantwright.cli.internal.Printer;
import dev.tenantwright.cli.internal.RunFollower;
import dev.tenantwright.cli.internal.ServerUnreachableException;
import dev.tenantwright.cli.internal.TokenSource;
import dev.tenantwright.cli.internal.UsageException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code tenantwright} command-line client: lists and inspects tenants, environments, runs and approval
 * requests of a Tenantwright server, starts provisioning, retries and cancels runs, decides approval requests, and
 * follows a run's progress live from its event stream.
 *
 * <pre>{@code
 * export TW_URL=https://tenantwright.internal.example
 * export TW_TOKEN=...            # or --token-file FILE; never on the command line
 * tenantwright provision acme-corp --kind DEMO --follow
 * }</pre>
 *
 * <p>Exit codes: {@link #OK}, {@link #RUN_NOT_SUCCEEDED}, {@link #REFUSED}, {@link #UNREACHABLE}. An instance serves
 * one execution; {@link #commandLine(Map)} builds one ready to run.
 */
@Command(name = "tenantwright", mixinStandardHelpOptions = true, version = "tenantwright 0.1.0",
    description = "Operate a Tenantwright server: tenants, environments, runs and approvals over its REST API.",
    subcommands = {TenantsCommand.class, TenantCommand.class, StatusCommand.class, RunsCommand.class,
        RunCommand.class, FollowCommand.class, ProvisionCommand.class, RetryCommand.class, DestroyCommand.class,
        CancelCommand.class, ApprovalsCommand.class, ApproveCommand.class, RejectCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {"  0  done (a followed run SUCCEEDED)",
        "  1  a followed run ended otherwise, or an unexpected error",
        "  2  the server refused (the message names the field at fault), or no token",
        "  3  the server could not be reached"})
public final class TenantwrightCli implements Callable<Integer> {

  /** Done; a followed run SUCCEEDED. */
  public static final int OK = 0;
  /** A followed run ended ROLLED_BACK or FAILED (or the command failed unexpectedly). */
  public static final int RUN_NOT_SUCCEEDED = 1;
  /** The server refused the request (a problem answer), or the command lacked what it needs (a token). */
  public static final int REFUSED = 2;
  /** The server could not be reached, or the connection was lost for good. */
  public static final int UNREACHABLE = 3;

  static final String URL_ENV = "TW_URL";
  static final String DEFAULT_URL = "http://127.0.0.1:8080";

  private final Map<String, String> env;
  private ApiClient api;

  @Spec
  CommandSpec spec;

  @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT,
      description = {"The server.", "Default: env TW_URL, else " + DEFAULT_URL + "."})
  String url;

  @Option(names = "--token-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "A file holding the API token (default: env TW_TOKEN). There is no option for the token"
          + " itself: the command line shows in ps and the shell's history.")
  Path tokenFile;

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "Print the server's JSON instead of text (a followed run: one event per line).")
  boolean json;

  /** A client reading {@code TW_URL} and {@code TW_TOKEN} from {@code env}. */
  public TenantwrightCli(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  /** Runs the command with the process's environment and exits with its code. */
  public static void main(String[] args) {
    System.exit(commandLine(System.getenv()).execute(args));
  }

  /**
   * The command line, ready to {@code execute(args)}: the server's refusals, an unreachable server and a missing
   * token become one line on the error stream and their exit code.
   */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cli = new CommandLine(new TenantwrightCli(env));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(TenantwrightCli::failed);
    return cli;
  }

  private static int failed(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    int code;
    String message;
    if (e instanceof ApiProblemException p) {
      code = REFUSED;
      message = p.oneLine();
    } else if (e instanceof ServerUnreachableException u) {
      code = UNREACHABLE;
      message = u.getMessage();
    } else if (e instanceof UsageException u) {
      code = REFUSED;
      message = u.getMessage();
    } else {
      code = RUN_NOT_SUCCEEDED;
      message = "unexpected " + e;
    }
    PrintWriter err = cmd.getErr();
    err.println(cmd.getColorScheme().errorText("error: " + message));
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("name a command, e.g. 'tenantwright tenants'");
    spec.commandLine().usage(err);
    return REFUSED;
  }

  /** The API client: {@code --url} or {@code TW_URL}, the token from {@code --token-file} or {@code TW_TOKEN}. */
  ApiClient api() {
    if (api == null) {
      String base = url != null ? url : env.getOrDefault(URL_ENV, DEFAULT_URL);
      String token = TokenSource.token(tokenFile, env);
      try {
        api = new ApiClient(base, token);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage() + " (--url or " + URL_ENV + ")");
      }
    }
    return api;
  }

  RunFollower follower() {
    return RunFollower.withDefaults(api());
  }

  Printer printer() {
    return new Printer(spec.commandLine().getOut());
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  boolean json() {
    return json;
  }
}
