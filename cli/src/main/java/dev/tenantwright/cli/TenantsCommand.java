package dev.tenantwright.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code tenants}: the tenants, oldest first, a page at a time. */
@Command(name = "tenants", description = "List the tenants, oldest first, a page at a time.")
final class TenantsCommand implements Callable<Integer> {

  @ParentCommand
  TenantwrightCli cli;

  @Mixin
  Paging paging;

  @Override
  public Integer call() {
    Paging.Page page = paging.fetch(cli.api(), "/tenants");
    if (cli.json()) {
      cli.printer().json(page.raw());
      return TenantwrightCli.OK;
    }
    cli.printer().tenants(page.items());
    if (page.next() != null) {
      cli.printer().line("more: tenantwright tenants --cursor " + page.next() + paging.limitOption());
    }
    return TenantwrightCli.OK;
  }
}
