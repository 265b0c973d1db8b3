package dev.tenantwright.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code runs TENANT [--environment E]}: a tenant's runs, newest first, a page at a time. */
@Command(name = "runs", description = "List a tenant's runs, newest first, a page at a time.")
final class RunsCommand implements Callable<Integer> {

  @ParentCommand
  TenantwrightCli cli;

  @Parameters(paramLabel = "TENANT")
  String tenant;

  @Option(names = "--environment", paramLabel = "ENVIRONMENT", description = "Only this environment's runs.")
  String environment;

  @Mixin
  Paging paging;

  @Override
  public Integer call() {
    Paging.Page page = paging.fetch(cli.api(), "/runs", "tenant", tenant, "environment", environment);
    if (cli.json()) {
      cli.printer().json(page.raw());
      return TenantwrightCli.OK;
    }
    cli.printer().runs(page.items());
    if (page.next() != null) {
      cli.printer().line("more: tenantwright runs " + tenant + (environment == null ? "" : " --environment "
          + environment) + " --cursor " + page.next() + paging.limitOption());
    }
    return TenantwrightCli.OK;
  }
}
