package io.x402j.jetty;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What every console response is served with, wherever a console is served (the {@link AdminServer
 * admin listener}, the Spring starter's dashboard servlet): the security headers and the shared
 * assets. One place, so the two cannot drift apart.
 *
 * <p>The assets are {@code x402j.css}, {@code x402j.js}, {@code uPlot.iife.min.js} and {@code
 * uPlot.min.css} (uPlot {@value #UPLOT_VERSION} from its WebJar), served under {@value #PATH}. Each
 * is read from the class path once, the first time any is asked for, and then served from memory.
 */
public final class AdminAssets {
  /** The Content-Security-Policy of every response: no inline script or style, nothing remote. */
  public static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
          + "frame-ancestors 'none'";

  /** Where the assets are served, below a console's base path. */
  public static final String PATH = "/assets/";

  /** The uPlot WebJar version served under {@link #PATH}. */
  public static final String UPLOT_VERSION = "1.6.30";

  /**
   * The headers every console response carries, errors and refusals included, in the order they are
   * set.
   */
  public static final Map<String, String> SECURITY_HEADERS = securityHeaders();

  private AdminAssets() {}

  /**
   * The asset called {@code name} (e.g. {@code x402j.css}, without {@link #PATH}), or empty when
   * there is none of that name. The body is shared by every answer: never modify it. An asset
   * missing from the class path (a packaging error) fails the first call, naming it.
   */
  public static Optional<AdminResponse> asset(String name) {
    return Optional.ofNullable(files().get(name));
  }

  /** Every asset by the path it is served at ({@link #PATH} and its name). */
  static Map<String, AdminResponse> byPath() {
    Map<String, AdminResponse> out = new LinkedHashMap<>();
    files().forEach((name, answer) -> out.put(PATH + name, answer));
    return Map.copyOf(out);
  }

  private static Map<String, String> securityHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Security-Policy", CSP);
    h.put("Cache-Control", "no-store");
    h.put("X-Frame-Options", "DENY");
    h.put("X-Content-Type-Options", "nosniff");
    h.put("Referrer-Policy", "no-referrer");
    h.put("Cross-Origin-Resource-Policy", "same-origin");
    return java.util.Collections.unmodifiableMap(h);
  }

  private static Map<String, AdminResponse> files() {
    return Loaded.FILES;
  }

  /** The assets, read when first asked for (class initialisation runs once), then kept. */
  private static final class Loaded {
    static final Map<String, AdminResponse> FILES = load();

    private Loaded() {}
  }

  private static Map<String, AdminResponse> load() {
    String css = "text/css; charset=utf-8";
    String js = "text/javascript; charset=utf-8";
    String uplot = "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";
    Map<String, AdminResponse> files = new LinkedHashMap<>();
    files.put("x402j.css", read("/io/x402j/jetty/admin/x402j.css", css));
    files.put("x402j.js", read("/io/x402j/jetty/admin/x402j.js", js));
    files.put("uPlot.iife.min.js", read(uplot + "uPlot.iife.min.js", js));
    files.put("uPlot.min.css", read(uplot + "uPlot.min.css", css));
    return Map.copyOf(files);
  }

  private static AdminResponse read(String resource, String contentType) {
    try (InputStream in = AdminAssets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "the admin asset " + resource + " is not on the class path");
      }
      return new AdminResponse(200, contentType, in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the admin asset " + resource, e);
    }
  }
}
