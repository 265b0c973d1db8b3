package dev.tenantwright.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.cli.internal.ApiClient;
import dev.tenantwright.cli.internal.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The paging options of a list command ({@code --limit}, {@code --cursor}, {@code --all}) and the fetching of
 * its pages: one page by default, whose {@code next} cursor the command offers for the next call.
 */
final class Paging {

  @Option(names = "--limit", paramLabel = "N", description = "At most N per page (1 to 500; the server's default 50).")
  Integer limit;

  @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after the one that printed this cursor.")
  String cursor;

  @Option(names = "--all", description = "Every page, one after another.")
  boolean all;

  /**
   * What was fetched.
   *
   * @param items the items of the page, or of every page with {@code --all}
   * @param raw the server's JSON: the page as sent, or with {@code --all} one document of every item
   * @param next the cursor of the following page, null on the last
   */
  record Page(JsonNode items, String raw, String next) {}

  /** Fetches the page (or all) of {@code path} with the query's name-value pairs. */
  Page fetch(ApiClient api, String path, String... query) {
    ArrayNode items = Json.object().arrayNode();
    String after = cursor;
    while (true) {
      List<String> q = new ArrayList<>(Arrays.asList(query));
      q.addAll(Arrays.asList("limit", limit == null ? null : Integer.toString(limit), "cursor", after));
      ApiClient.Reply reply = api.get(ApiClient.query(path, q.toArray(String[]::new)));
      JsonNode page = reply.json();
      after = Json.text(page, "next");
      if (!all) {
        return new Page(page.path("items"), reply.body(), after);
      }
      items.addAll((ArrayNode) page.withArray("items"));
      if (after == null) {
        ObjectNode everything = Json.object();
        everything.set("items", items);
        return new Page(items, everything.toString(), null);
      }
    }
  }

  /** The options that repeat this listing's page size, for the "more" hint. */
  String limitOption() {
    return limit == null ? "" : " --limit " + limit;
  }
}
