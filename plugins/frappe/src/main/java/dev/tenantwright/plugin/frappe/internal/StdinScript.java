package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.util.List;

/**
 * A POSIX shell script that reads the secrets of a command from stdin and then execs the command, so that no
 * secret is ever part of an argv Tenantwright starts (where {@code ps}, {@code /proc/PID/cmdline}, audit logs and
 * Docker's {@code exec_create} event would show it):
 * <pre>{@code
 * IFS= read -r tw_secret_1 && IFS= read -r tw_secret_2 && [cd 'DIR' && ] exec 'flock' ... 'bench' ... "$tw_secret_1"
 * }</pre>
 * Each plain word is single-quoted ({@link ShellQuoting}); each secret is a double-quoted variable, which the shell
 * expands to exactly one argument without parsing its value again. The secrets go to stdin one per line, so a secret
 * with a line break (or a NUL, which no shell variable holds) cannot travel and is refused with a message naming it,
 * never showing it. This is exactly the shape the command runners allow for {@code sh -c}. bench itself still gets
 * the secrets as arguments on the bench host — it accepts them nowhere else — for as long as it runs.
 *
 * @param script the command string
 * @param stdin the secrets, one per line, or null when the command has none
 */
record StdinScript(String script, Secret stdin) {

  /** The script for {@code words} (strings and secret arguments), changing to {@code dir} first unless it is null. */
  static StdinScript of(List<Object> words, String dir) {
    StringBuilder script = new StringBuilder();
    StringBuilder stdin = new StringBuilder();
    int n = 0;
    for (Object w : words) {
      if (w instanceof BenchCommand.SecretArg s) {
        String value = s.value().reveal();
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
          throw new PermanentException(s.label() + " contains a line break or a NUL character, which cannot be "
              + "handed to bench on stdin; choose one without them");
        }
        n++;
        script.append("IFS= read -r tw_secret_").append(n).append(" && ");
        stdin.append(value).append('\n');
      }
    }
    if (dir != null) {
      script.append("cd ").append(ShellQuoting.quote(dir)).append(" && ");
    }
    script.append("exec");
    int k = 0;
    for (Object w : words) {
      script.append(' ');
      if (w instanceof BenchCommand.SecretArg) {
        k++;
        script.append("\"$tw_secret_").append(k).append('"');
      } else {
        script.append(ShellQuoting.quote((String) w));
      }
    }
    return new StdinScript(script.toString(), n == 0 ? null : Secret.of(stdin.toString()));
  }

  /** Whether any word is a secret. */
  static boolean hasSecrets(List<Object> words) {
    return words.stream().anyMatch(w -> w instanceof BenchCommand.SecretArg);
  }
}
