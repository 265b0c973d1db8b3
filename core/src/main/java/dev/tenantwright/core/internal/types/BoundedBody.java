package dev.tenantwright.core.internal.types;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * Reads at most the first {@code limit} bytes of a response body as UTF-8 text and stops, so a health endpoint
 * that streams forever or returns a huge page cannot hold the check.
 */
final class BoundedBody {

  private BoundedBody() {}

  static String read(Response response, int limit) throws IOException {
    ResponseBody body = response.body();
    if (body == null) {
      return "";
    }
    BufferedSource source = body.source();
    Buffer kept = new Buffer();
    while (kept.size() < limit) {
      long n = source.read(kept, limit - kept.size());
      if (n < 0) {
        break;
      }
    }
    return kept.readString(Math.min(kept.size(), limit), StandardCharsets.UTF_8);
  }
}
