package dev.tenantwright.core.fuzz;

import java.util.Random;

/**
 * Generates hostile strings: empty and blank ones, control characters and null bytes, emoji and joiner
 * sequences, right-to-left text and overrides, lone surrogates, combining marks, case-folding surprises,
 * injection attempts, expressions, and very long text — alone or mixed with ordinary words.
 */
final class BadInput {

  static final String[] ATOMS = {
      "", " ", "   ", "\t", "\n", "\r\n", "\u000b", "\u00a0", "\u2003", "\u200b", "\ufeff", "\u3000",
      "\u0000", "\u0001", "\u0007", "\u001b", "\u001f", "\u007f", "\u0085", "\u2028", "\u2029",
      "\u202e", "\u200f", "\u2066", "\u034f",
      "🚀", "🔥🔥", "👩\u200d👩\u200d👧\u200d👦", "🇩🇪", "\ud83d", "\udc00", "\ud800\ud800",
      "é", "e\u0301", "\u0301\u0301", "ß", "İ", "ı", "ǅ", "ﬁ", "Ⅻ", "ＡＢＣ", "①", "٣٤٥", "²",
      "شركة", "עברית", "中文公司", "한국어", "Ωmega", "Ⓐ",
      "&", "'", "\"", "\\", "/", "..", "../..", "%s", "%n", "%00", "${tenant.id}", "$${x}", "${", "}",
      "<script>alert(1)</script>", "'; DROP TABLE tw_tenant; --", "\" OR 1=1 --", "{{7*7}}", "#{x}",
      "ABC", "Corp", "corporation", "GmbH", "1", "42", "-", "--", "_", ".", ",", "@", "a@b", "ops@abc.example",
      "null", "NULL", "undefined", "true", "0x7f", "1e309", "NaN", "-0",
  };

  private BadInput() {}

  /** One hostile string. */
  static String text(Random r) {
    return switch (r.nextInt(10)) {
      case 0 -> atom(r);
      case 1 -> atom(r).repeat(1 + r.nextInt(3));
      case 2 -> longText(r);
      case 3 -> randomCodePoints(r, 1 + r.nextInt(12));
      case 4 -> word(r) + atom(r) + word(r);
      default -> {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
          sb.append(r.nextBoolean() ? atom(r) : word(r));
          if (r.nextInt(3) == 0) {
            sb.append(' ');
          }
        }
        yield sb.toString();
      }
    };
  }

  static String atom(Random r) {
    return ATOMS[r.nextInt(ATOMS.length)];
  }

  /** An ordinary word, so that hostile parts hide among plausible ones. */
  static String word(Random r) {
    String[] words = {"ABC", "Corporation", "Müller", "Acme", "Widgets", "Ltd", "Straße", "Café", "x", "Co", "42"};
    return words[r.nextInt(words.length)];
  }

  /** Text of 199 to 10,000 characters, or of exactly a limit's length and one more. */
  static String longText(Random r) {
    int[] lengths = {63, 64, 199, 200, 201, 254, 255, 500, 501, 1000, 10_000};
    int n = lengths[r.nextInt(lengths.length)];
    String atom = atom(r);
    String unit = r.nextBoolean() || atom.isEmpty() ? "a" : atom;
    StringBuilder sb = new StringBuilder(n + unit.length());
    while (sb.length() < n) {
      sb.append(unit);
    }
    return sb.substring(0, n);
  }

  /** Random code points from the whole range: unassigned, private use, surrogates and astral included. */
  static String randomCodePoints(Random r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int cp = switch (r.nextInt(4)) {
        case 0 -> r.nextInt(0x80);
        case 1 -> r.nextInt(0x10000);
        case 2 -> 0x10000 + r.nextInt(0x100000);
        default -> 0xD800 + r.nextInt(0x800);
      };
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        sb.append((char) cp);
      } else {
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }

  /** An e-mail that may be valid, odd but valid, or broken in one of many ways. */
  static String email(Random r, int n) {
    String[] locals = {"ops", "OPS", "first.last", "a+tag", "o'brien", "x", "ops" + n, "ÿ", "a b", "a\u0000b",
        "a\u0007b", ".ops", "ops.", "a..b", "\"quoted\"", "", "🚀", "a".repeat(64), "a".repeat(65)};
    String[] domains = {"abc.example", "ABC.Example", "sub.abc.example", "localhost", "-abc.example",
        "abc-.example", "a..example", "bücher.example", "[127.0.0.1]", "abc.example.", "x.y",
        "a".repeat(63) + ".example", "a".repeat(64) + ".example", ("a".repeat(60) + ".").repeat(4) + "example", "",
        "abc.example\n", "abc.example\u0000"};
    String local = r.nextInt(3) == 0 ? locals[r.nextInt(locals.length)] : "ops" + n;
    String domain = r.nextInt(3) == 0 ? domains[r.nextInt(domains.length)] : "t" + n + ".example";
    return switch (r.nextInt(12)) {
      case 0 -> text(r);
      case 1 -> local + domain;
      case 2 -> local + "@@" + domain;
      case 3 -> local + "@" + domain + "@" + domain;
      case 4 -> " " + local + "@" + domain + " ";
      case 5 -> local + "@" + atom(r) + domain;
      case 6 -> atom(r) + local + "@" + domain;
      default -> local + "@" + domain;
    };
  }
}
