package dev.tenantwright.examples.portal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads {@code application/x-www-form-urlencoded} bodies, bounded in size. */
final class Forms {

  static final int MAX_BODY = 64 * 1024;

  private Forms() {}

  /** Reads the body (at most {@value #MAX_BODY} bytes) into name → value; the first value of a name wins. */
  static Map<String, String> read(InputStream body) throws IOException {
    byte[] bytes = body.readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw new IOException("form body larger than " + MAX_BODY + " bytes");
    }
    return parse(new String(bytes, StandardCharsets.ISO_8859_1));
  }

  static Map<String, String> parse(String encoded) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (encoded.isEmpty()) {
      return fields;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      fields.putIfAbsent(name, value);
    }
    return fields;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
