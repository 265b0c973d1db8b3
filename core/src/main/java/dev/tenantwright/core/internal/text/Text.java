package dev.tenantwright.core.internal.text;

/**
 * Checks and cleans text that came from outside (company names, keys, reasons) before it is stored, shown
 * or put into an error message. Stateless.
 */
public final class Text {

  private Text() {}

  /**
   * Whether {@code s} can be stored and shown as it is: no control or format characters (other than the
   * zero-width joiner of emoji sequences) and no unpaired surrogates (which UTF-8 databases cannot store).
   */
  public static boolean printable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT && c != '\u200d') {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} cut to 80 characters with every character {@link #printable} refuses replaced by '?', for messages. */
  public static String quote(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder sb = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < cut.length() && Character.isLowSurrogate(cut.charAt(i + 1))) {
        sb.append(c).append(cut.charAt(++i));
      } else if (Character.isSurrogate(c) || Character.isISOControl(c)
          || Character.getType(c) == Character.FORMAT && c != '\u200d') {
        sb.append('?');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
