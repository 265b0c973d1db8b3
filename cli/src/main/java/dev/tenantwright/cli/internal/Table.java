package dev.tenantwright.cli.internal;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Rows printed in aligned columns under a header; an absent value shows as {@code -}. */
final class Table {

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... header) {
    this.columns = header.length;
    rows.add(header);
  }

  Table row(Object... values) {
    String[] cells = new String[columns];
    for (int i = 0; i < columns; i++) {
      Object v = i < values.length ? values[i] : null;
      cells[i] = v == null || v.toString().isEmpty() ? "-" : v.toString();
    }
    rows.add(cells);
    return this;
  }

  boolean isEmpty() {
    return rows.size() == 1;
  }

  void print(PrintWriter out) {
    int[] widths = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        sb.append(r[i]);
        if (i < columns - 1) {
          sb.append(" ".repeat(widths[i] - r[i].length() + 2));
        }
      }
      out.println(sb);
    }
  }
}
