package io.x402j.jetty;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An HTML fragment built so that every value is escaped: text and attribute values go through
 * {@link #escape(String)}, tag and attribute names must be plain names, links must be relative or
 * http(s). There is no way to add unescaped markup except another {@code Html}. Payer addresses,
 * route names and failure reasons come from outside; they only ever enter a page through here.
 *
 * <pre>{@code
 * Html h = new Html();
 * h.open("section", "class", "card").element("h2", "Signers");
 * h.table(List.of("signer", "balance"), rows).close();
 * }</pre>
 */
public final class Html {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
  private static final List<String> VOID = List.of("br", "hr", "img", "input", "meta", "link");

  private final StringBuilder out = new StringBuilder();
  private final Deque<String> open = new ArrayDeque<>();

  /** Escapes {@code & < > " '} for text and double- or single-quoted attribute values. */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Opens {@code tag} with attributes given as name, value pairs ({@code null} values are left
   * out).
   */
  public Html open(String tag, String... attributes) {
    startTag(tag, attributes);
    if (!VOID.contains(tag)) {
      open.push(tag);
    }
    return this;
  }

  /** Closes the innermost open tag. */
  public Html close() {
    if (open.isEmpty()) {
      throw new IllegalStateException("no open tag to close");
    }
    out.append("</").append(open.pop()).append('>');
    return this;
  }

  /** {@code <tag attributes>text</tag>}, the text escaped. */
  public Html element(String tag, String text, String... attributes) {
    startTag(tag, attributes);
    out.append(escape(text)).append("</").append(tag).append('>');
    return this;
  }

  /** Escaped text. */
  public Html text(String text) {
    out.append(escape(text));
    return this;
  }

  /** Another fragment, as it is (it was escaped when built). */
  public Html append(Html fragment) {
    out.append(fragment.out);
    return this;
  }

  /**
   * A link; {@code href} must be a path on this listener ({@code /…}), a query ({@code ?…}) or an
   * http(s) URL (explorer link-outs, which open without a referrer).
   *
   * @throws IllegalArgumentException for any other scheme ({@code javascript:}, {@code data:})
   */
  public Html link(String href, String text) {
    if (isExternal(href)) {
      return element("a", text, "href", href, "rel", "noopener noreferrer", "target", "_blank");
    }
    if (!isLocal(href)) {
      throw new IllegalArgumentException("a link must be a local path or an http(s) URL");
    }
    return element("a", text, "href", href);
  }

  /**
   * A table with a header row and one row per list; every cell escaped. A cell given as an {@code
   * Html} is kept as built (a link); anything else is shown with {@code String.valueOf}.
   */
  public Html table(List<String> headers, List<? extends List<?>> rows, String... attributes) {
    open("div", "class", "table-wrap");
    open("table", attributes);
    open("thead").open("tr");
    headers.forEach(h -> element("th", h, "scope", "col"));
    close().close();
    open("tbody");
    for (List<?> row : rows) {
      open("tr");
      for (Object cell : row) {
        if (cell instanceof Html fragment) {
          open("td").append(fragment).close();
        } else {
          element("td", cell == null ? "" : String.valueOf(cell));
        }
      }
      close();
    }
    close().close().close();
    return this;
  }

  /** The HTML so far; every opened tag must be closed. */
  @Override
  public String toString() {
    if (!open.isEmpty()) {
      throw new IllegalStateException("unclosed tags: " + open);
    }
    return out.toString();
  }

  private void startTag(String tag, String[] attributes) {
    requireName(tag);
    if (attributes.length % 2 != 0) {
      throw new IllegalArgumentException("attributes come in name, value pairs");
    }
    out.append('<').append(tag);
    for (int i = 0; i < attributes.length; i += 2) {
      String name = attributes[i];
      String value = attributes[i + 1];
      requireName(name);
      if (name.startsWith("on") || name.equals("style")) {
        throw new IllegalArgumentException("no inline script or style: " + name);
      }
      if (value == null) {
        continue;
      }
      if ((name.equals("href") || name.equals("src") || name.equals("action"))
          && !isLocal(value)
          && !isExternal(value)) {
        throw new IllegalArgumentException(name + " must be a local path or an http(s) URL");
      }
      out.append(' ').append(name).append("=\"").append(escape(value)).append('"');
    }
    out.append('>');
  }

  /**
   * A path on this listener ({@code /…}) or a query ({@code ?…}). A backslash or a control
   * character is refused anywhere in it: browsers read {@code /\host} as {@code //host} and drop
   * tabs and line breaks, so either would turn a local path into a link to another site.
   */
  private static boolean isLocal(String href) {
    if (!(href.startsWith("/") && !href.startsWith("//")) && !href.startsWith("?")) {
      return false;
    }
    for (int i = 0; i < href.length(); i++) {
      char c = href.charAt(i);
      if (c == '\\' || c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static boolean isExternal(String href) {
    String lower = href.toLowerCase(Locale.ROOT);
    return lower.startsWith("https://") || lower.startsWith("http://");
  }

  private static void requireName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a tag or attribute name: " + name);
    }
  }
}
