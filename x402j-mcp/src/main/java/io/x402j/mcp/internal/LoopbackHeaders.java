package io.x402j.mcp.internal;

import io.modelcontextprotocol.server.transport.HeaderAccessor;
import io.modelcontextprotocol.server.transport.ServerHttpHeaderValidator;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Refuses requests to a loopback MCP endpoint whose {@code Host} is not the loopback address and
 * port it listens on, or that carry an {@code Origin} other than that address: a web page the user
 * visits must not reach the local gateway (and through it the upstream's free tools) by DNS
 * rebinding or a cross-origin request.
 */
public final class LoopbackHeaders implements ServerHttpHeaderValidator {
  private static final Set<String> HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");
  private final IntSupplier port;

  /** Checks against {@code port}, read per request (the bound port is known once started). */
  public LoopbackHeaders(IntSupplier port) {
    this.port = port;
  }

  @Override
  public void validate(HeaderAccessor headers) throws ServerTransportSecurityException {
    String bound = String.valueOf(port.getAsInt());
    List<String> host = headers.getHeader("Host");
    if (host == null || host.size() != 1 || !isLoopback(host.get(0), bound)) {
      throw new ServerTransportSecurityException(403, "Forbidden: Host must be 127.0.0.1:" + bound);
    }
    List<String> origin = headers.getHeader("Origin");
    if (origin != null && !origin.isEmpty()) {
      String o = origin.get(0).strip().toLowerCase(Locale.ROOT);
      if (origin.size() != 1
          || !o.startsWith("http://")
          || !isLoopback(o.substring("http://".length()), bound)) {
        throw new ServerTransportSecurityException(403, "Forbidden: cross-origin request");
      }
    }
  }

  private static boolean isLoopback(String hostAndPort, String port) {
    String h = hostAndPort.strip().toLowerCase(Locale.ROOT);
    int colon = h.lastIndexOf(':');
    if (colon < 0 || h.endsWith("]")) {
      return false; // an HTTP client names the port when it is not 80
    }
    return HOSTS.contains(h.substring(0, colon)) && h.substring(colon + 1).equals(port);
  }
}
