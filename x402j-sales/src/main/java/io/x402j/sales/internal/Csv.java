package io.x402j.sales.internal;

import java.util.List;

/**
 * CSV (RFC 4180) safe to open in a spreadsheet: a cell starting with {@code = + - @}, a tab or a
 * carriage return is prefixed with {@code '} so it is never taken for a formula (CSV injection),
 * and cells with commas, quotes or line breaks are quoted. Not API.
 */
public final class Csv {
  private Csv() {}

  /** One line of {@code cells}, ending in CRLF; {@code null} is an empty cell. */
  public static String line(List<String> cells) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(cell(cells.get(i)));
    }
    return out.append("\r\n").toString();
  }

  /** One cell, defused and quoted as needed. */
  public static String cell(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String v = value;
    char first = v.charAt(0);
    if (first == '='
        || first == '+'
        || first == '-'
        || first == '@'
        || first == '\t'
        || first == '\r') {
      v = "'" + v;
    }
    if (v.indexOf(',') >= 0
        || v.indexOf('"') >= 0
        || v.indexOf('\n') >= 0
        || v.indexOf('\r') >= 0) {
      v = '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }
}
