package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.spi.Command;

/** Appends a {@link BenchCommand}'s arguments to a command builder, secrets as secret arguments. */
final class Arguments {

  private Arguments() {}

  static void append(Command.Builder b, BenchCommand bench) {
    for (Object a : bench.args()) {
      if (a instanceof BenchCommand.SecretArg s) {
        b.secretArg(s.value());
      } else {
        b.arg((String) a);
      }
    }
  }
}
