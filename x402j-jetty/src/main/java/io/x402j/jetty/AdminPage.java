package io.x402j.jetty;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one page layout of every x402j console: a header with the product name and navigation, a main
 * column, the shared style sheet and script ({@value AdminAssets#PATH}{@code x402j.css}, {@code
 * x402j.js}) and, when a page has charts, uPlot from the jar. Server-rendered; the script only
 * refreshes elements marked with {@code data-src} (see the README's "Facilitator console").
 *
 * <pre>{@code
 * AdminPage.of("x402j facilitator", "Overview")
 *     .nav("Overview", "/").nav("Settlements", "/settlements")
 *     .charts()
 *     .body(html)
 *     .render();
 * }</pre>
 */
public final class AdminPage {
  private final String product;
  private final String title;
  private final List<String[]> nav = new ArrayList<>();
  private boolean charts;
  private Html body = new Html();

  private AdminPage(String product, String title) {
    this.product = Objects.requireNonNull(product, "product");
    this.title = Objects.requireNonNull(title, "title");
  }

  /** A page titled {@code title} of the console named {@code product}. */
  public static AdminPage of(String product, String title) {
    return new AdminPage(product, title);
  }

  /** Adds a navigation link (a local path); the one matching the title is marked current. */
  public AdminPage nav(String label, String path) {
    nav.add(new String[] {label, path});
    return this;
  }

  /** Loads the chart library (uPlot) on this page. */
  public AdminPage charts() {
    this.charts = true;
    return this;
  }

  /** The page's main content. */
  public AdminPage body(Html body) {
    this.body = Objects.requireNonNull(body, "body");
    return this;
  }

  /** The whole document. */
  public String render() {
    Html h = new Html();
    h.open("head");
    h.open("meta", "charset", "utf-8");
    h.open("meta", "name", "viewport", "content", "width=device-width, initial-scale=1");
    h.element("title", title + " · " + product);
    h.open("link", "rel", "stylesheet", "href", AdminAssets.PATH + "x402j.css");
    if (charts) {
      h.open("link", "rel", "stylesheet", "href", AdminAssets.PATH + "uPlot.min.css");
      h.element("script", "", "src", AdminAssets.PATH + "uPlot.iife.min.js", "defer", "");
    }
    h.element("script", "", "src", AdminAssets.PATH + "x402j.js", "defer", "");
    h.close();
    h.open("body");
    h.open("header", "class", "top");
    h.element("span", product, "class", "product");
    h.open("nav");
    for (String[] link : nav) {
      h.element(
          "a", link[0], "href", link[1], "aria-current", link[0].equals(title) ? "page" : null);
    }
    h.close();
    h.element("span", "", "class", "updated", "data-updated", "");
    h.close();
    h.open("main");
    h.element("h1", title);
    h.append(body);
    h.close();
    h.close();
    return "<!doctype html>\n<html lang=\"en\">" + h + "</html>\n";
  }
}
