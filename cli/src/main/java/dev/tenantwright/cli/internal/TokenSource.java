package dev.tenantwright.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the API token comes from: a file ({@code --token-file}, e.g. the server's {@code admin.token}) or the
 * environment variable {@code TW_TOKEN} — never the command line, where {@code ps} and the shell's history would
 * show it.
 */
public final class TokenSource {

  /** The environment variable holding the token. */
  public static final String ENV = "TW_TOKEN";

  private TokenSource() {}

  /**
   * The token: the file's content when a file is given, else {@code TW_TOKEN}; surrounding white space removed.
   *
   * @throws UsageException when there is none, or the file cannot be read or is empty
   */
  public static String token(Path file, Map<String, String> env) {
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UsageException("cannot read the token file " + file + ": " + ApiClient.describe(e));
      }
      if (text.isEmpty()) {
        throw new UsageException("the token file " + file + " is empty");
      }
      return text;
    }
    String value = env.get(ENV);
    if (value == null || value.isBlank()) {
      throw new UsageException("no API token: set " + ENV + " or pass --token-file FILE (the server's first admin"
          + " token is in its data directory, admin.token)");
    }
    return value.strip();
  }
}
