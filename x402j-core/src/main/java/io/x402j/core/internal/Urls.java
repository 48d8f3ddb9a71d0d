package io.x402j.core.internal;

import java.net.URI;

/** Redaction of URLs for messages and logs. Not part of the x402j API. */
public final class Urls {
  private Urls() {}

  /**
   * The URL without user info, query or fragment, which is where API keys live ({@code
   * https://key@host/…}, {@code ?apikey=…}). Paths are kept; put secrets in headers instead.
   */
  public static String redact(URI uri) {
    if (uri == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    if (uri.getScheme() != null) {
      out.append(uri.getScheme()).append("://");
    }
    if (uri.getHost() != null) {
      out.append(uri.getHost());
    }
    if (uri.getPort() >= 0) {
      out.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      out.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      out.append("?…");
    }
    return out.toString();
  }
}
