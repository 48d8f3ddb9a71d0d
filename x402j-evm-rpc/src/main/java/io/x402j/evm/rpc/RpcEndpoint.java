package io.x402j.evm.rpc;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * One node URL of a {@link JsonRpcClient} and the form of it that may be logged. RPC URLs carry API
 * keys in paths and queries alike, so every message names a node by {@code scheme://host[:port]}
 * only, and a URL that cannot be used is refused without repeating it.
 */
record RpcEndpoint(URI uri, String redacted) {

  /**
   * Parses a node URL.
   *
   * @throws IllegalArgumentException for a URL that is not absolute http(s); the message does not
   *     repeat the URL's path or query
   */
  static RpcEndpoint parse(String url) {
    URI parsed;
    try {
      parsed = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("RPC URL is not a valid URL: " + e.getReason());
    }
    if (parsed.getScheme() == null
        || !(parsed.getScheme().equals("http") || parsed.getScheme().equals("https"))
        || parsed.getHost() == null) {
      throw new IllegalArgumentException(
          "RPC URL " + redact(parsed) + " must be an absolute http(s) URL");
    }
    return new RpcEndpoint(parsed, redact(parsed));
  }

  /** {@code scheme://host[:port]}: RPC URLs carry keys in paths and queries alike. */
  static String redact(URI uri) {
    if (uri == null || uri.getHost() == null) {
      return "<invalid RPC URL>";
    }
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
  }
}
