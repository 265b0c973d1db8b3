package dev.tenantwright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keeps the README's sessions true: runs each {@code $ tenantwright ...} line against a sandbox server, in order,
 * and checks its exit code ({@code $ echo $?}, else 0) and that every line the README shows under it is in what it
 * printed, with ids, times and numbers as wildcards ({@code ...} leaves lines, or the rest of a line, out). The
 * {@code curl} sign-up is sent as written; ids in a command are those the session printed before.
 */
@ExtendWith(SandboxServer.Resolver.class)
class ReadmeSessionTest {

  private static final Path README = Path.of("README.md");
  private static final Pattern APPROVAL_ID = Pattern.compile("apr_[0-9a-f]{32}");
  private static final Pattern RUN_ID = Pattern.compile("\\b[a-z0-9]{20}\\b");
  private static final Pattern PRINTED_RUN = Pattern.compile("^run ([a-z0-9]{20})\\b", Pattern.MULTILINE);
  private static final Pattern CURL_BODY = Pattern.compile("-d '(\\{.*})'");

  /** A command of a session and the lines shown under it. */
  private record Step(String command, List<String> shown) {}

  private final SandboxServer server;
  private String lastRun;
  private String lastApproval;

  ReadmeSessionTest(SandboxServer server) {
    this.server = server;
  }

  @Test
  void theExampleSessionAndTheExitCodeExampleRunAsShown() throws IOException {
    String readme = Files.readString(README);

    play(steps(block(readme, "## Example session", "```console")));
    play(steps(block(readme, "## Exit codes", "```\n$")));
  }

  private void play(List<Step> steps) {
    assertThat(steps).isNotEmpty();
    Cli.Result previous = null;
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      String command = step.command();
      if (command.startsWith("export ")) {
        continue;
      }
      if (command.startsWith("curl ")) {
        Matcher body = CURL_BODY.matcher(command);
        assertThat(body.find()).as(command).isTrue();
        assertThat(server.post("/tenants", body.group(1)).statusCode()).isEqualTo(201);
        continue;
      }
      if (command.equals("echo $?")) {
        assertThat(previous).isNotNull();
        assertThat(Integer.toString(previous.exitCode())).as(previous.toString()).isEqualTo(step.shown().get(0));
        continue;
      }
      assertThat(command).startsWith("tenantwright ");
      List<String> args = words(command.substring("tenantwright ".length()));
      Cli.Result r = server.admin().run(args.toArray(String[]::new));
      String printed = normalise(r.out() + r.err());
      for (String line : step.shown()) {
        String expected = line.endsWith("...") ? line.substring(0, line.length() - 3) : line;
        if (!expected.isBlank()) {
          assertThat(printed).as("'%s' printed\n%s", command, r).contains(normalise(expected));
        }
      }
      boolean exitCodeShown = i + 1 < steps.size() && steps.get(i + 1).command().equals("echo $?");
      if (!exitCodeShown) {
        assertThat(r.exitCode()).as("'%s' printed\n%s", command, r).isZero();
      }
      remember(r.out());
      previous = r;
    }
  }

  /** The ids the next commands refer to: the last run and approval request the session printed. */
  private void remember(String out) {
    Matcher run = PRINTED_RUN.matcher(out);
    while (run.find()) {
      lastRun = run.group(1);
    }
    Matcher approval = APPROVAL_ID.matcher(out);
    while (approval.find()) {
      lastApproval = approval.group();
    }
  }

  /** The command's words as a shell splits them (quotes), with the ids of this session in place of the README's. */
  private List<String> words(String line) {
    List<String> words = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(line);
    while (m.find()) {
      String w = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      if (APPROVAL_ID.matcher(w).matches()) {
        w = lastApproval;
      } else if (RUN_ID.matcher(w).matches()) {
        w = lastRun;
      }
      words.add(w);
    }
    return words;
  }

  /** Ids, times and numbers as wildcards, runs of spaces as one: what stays the same from one session to the next. */
  private static String normalise(String text) {
    return text.replaceAll("apr_[0-9a-f]{32}", "APPROVAL")
        .replaceAll("\\b[a-z0-9]{20}\\b", "RUN")
        .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ", "TIME")
        .replaceAll("\\d+(\\.\\d+)?", "N")
        .replaceAll("[ \\t]+", " ");
  }

  /** The first code block under the heading that starts with {@code opening}, without its fences. */
  private static String block(String readme, String heading, String opening) {
    int at = readme.indexOf(heading);
    assertThat(at).as("README heading %s", heading).isNotNegative();
    int open = readme.indexOf(opening, at);
    assertThat(open).as("a block under %s", heading).isPositive();
    int start = readme.indexOf('\n', open) + 1;
    if (opening.endsWith("$")) {
      start = open + opening.length() - 1;
    }
    return readme.substring(start, readme.indexOf("```", start));
  }

  /** {@code $ } lines (with {@code \} continuations) and what is shown under each. */
  private static List<Step> steps(String block) {
    List<Step> steps = new ArrayList<>();
    String[] lines = block.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith("$ ")) {
        continue;
      }
      StringBuilder command = new StringBuilder(lines[i].substring(2));
      while (command.toString().endsWith("\\") && i + 1 < lines.length) {
        command.setLength(command.length() - 1);
        command.append(' ').append(lines[++i].strip());
      }
      List<String> shown = new ArrayList<>();
      while (i + 1 < lines.length && !lines[i + 1].startsWith("$ ")) {
        shown.add(lines[++i]);
      }
      steps.add(new Step(command.toString().strip(), shown));
    }
    return steps;
  }
}
