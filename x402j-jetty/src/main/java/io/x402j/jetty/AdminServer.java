package io.x402j.jetty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener of an x402j server: a separate Jetty listener on its own port for the consoles
 * (pages and JSON registered by the role, and the shared assets from the jar), never on the public
 * port.
 *
 * <p>Rules, whatever the role registers:
 *
 * <ul>
 *   <li>It binds 127.0.0.1 unless told otherwise. Bound to any address that is not loopback it
 *       refuses to be built without a password.
 *   <li>With a password (at least 12 characters), every request must carry it (HTTP Basic, any user
 *       name), compared in constant time; otherwise 401. A client that sends 10 wrong passwords
 *       within 15 minutes is refused with 429 until those 15 minutes end ({@link BasicAuthGuard}).
 *       The password is never logged or shown.
 *   <li>Without a password (loopback only), the {@code Host} header must name a loopback address or
 *       {@code localhost}, so a web page cannot reach the console through DNS rebinding.
 *   <li>Only GET and HEAD; every response, errors included, carries the {@link
 *       AdminAssets#SECURITY_HEADERS security headers} ({@code Content-Security-Policy}, {@code
 *       Cache-Control: no-store}, {@code X-Frame-Options: DENY}, {@code X-Content-Type-Options:
 *       nosniff}, {@code Referrer-Policy: no-referrer}, {@code Cross-Origin-Resource-Policy}).
 *   <li>The {@link AdminAssets shared assets} are served from {@value AdminAssets#PATH}; nothing is
 *       loaded from elsewhere.
 * </ul>
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  private final JettyServer server;
  private final String name;

  private AdminServer(Builder b) {
    this.name = b.name;
    BasicAuthGuard guard =
        b.password == null ? null : new BasicAuthGuard(b.name, b.password, b.clock);
    Handler handler = new Dispatch(Map.copyOf(b.routes), AdminAssets.byPath(), guard, b.host);
    server =
        JettyServer.builder(b.name, handler)
            .host(b.host)
            .port(b.port)
            .maxThreads(16)
            .stopTimeout(java.time.Duration.ofSeconds(5))
            .errorHandler(new Errors())
            .build();
  }

  /** Starts configuring the admin listener of the server named {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * The password held in the environment variable named {@code variable}.
   *
   * @throws IllegalArgumentException naming the variable (never its value) when it is unset or
   *     blank
   */
  public static String passwordFromEnv(String variable, Map<String, String> env) {
    Objects.requireNonNull(variable, "variable");
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "--admin-password-env names " + variable + ", which is not set");
    }
    return value;
  }

  /** Whether {@code host} is a loopback address (127.0.0.0/8, ::1, localhost). */
  public static boolean isLoopback(String host) {
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Starts listening. */
  public AdminServer start() {
    server.start();
    LOG.info("{} admin console on {}", name, server.url());
    return this;
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  /** The base URL, {@code http://host:port}. */
  public String url() {
    return server.url();
  }

  /** Stops listening. */
  @Override
  public void close() {
    server.close();
  }

  private static void secure(Response response) {
    var h = response.getHeaders();
    AdminAssets.SECURITY_HEADERS.forEach(h::put);
  }

  private static void send(
      Response response, Callback callback, AdminResponse answer, boolean head) {
    response.setStatus(answer.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, head ? null : ByteBuffer.wrap(answer.body()), callback);
  }

  /** Routes a request after the listener's checks. */
  private static final class Dispatch extends Handler.Abstract {
    private final Map<String, AdminHandler> routes;
    private final Map<String, AdminResponse> assets;
    private final BasicAuthGuard guard;
    private final String boundHost;

    Dispatch(
        Map<String, AdminHandler> routes,
        Map<String, AdminResponse> assets,
        BasicAuthGuard guard,
        String boundHost) {
      this.routes = routes;
      this.assets = assets;
      this.guard = guard;
      this.boundHost = boundHost.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      secure(response);
      String method = request.getMethod();
      boolean head = "HEAD".equals(method);
      if (guard == null) {
        if (!localHost(request.getHeaders().get(HttpHeader.HOST))) {
          send(response, callback, AdminResponse.text(421, "use http://127.0.0.1:<port>/\n"), head);
          return true;
        }
      } else {
        BasicAuthGuard.Verdict verdict =
            guard.check(
                Request.getRemoteAddr(request), request.getHeaders().get(HttpHeader.AUTHORIZATION));
        if (verdict.outcome() == BasicAuthGuard.Outcome.THROTTLED) {
          response.getHeaders().put(HttpHeader.RETRY_AFTER, verdict.retryAfterSeconds());
          send(
              response,
              callback,
              AdminResponse.text(429, "too many wrong passwords; try again later\n"),
              head);
          return true;
        }
        if (!verdict.allowed()) {
          response
              .getHeaders()
              .put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"x402j admin\", charset=\"UTF-8\"");
          send(response, callback, AdminResponse.text(401, "password required\n"), head);
          return true;
        }
      }
      if (!"GET".equals(method) && !head) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        send(response, callback, AdminResponse.text(405, "only GET and HEAD\n"), false);
        return true;
      }
      String path = request.getHttpURI().getDecodedPath();
      AdminResponse asset = path == null ? null : assets.get(path);
      if (asset != null) {
        send(response, callback, asset, head);
        return true;
      }
      if ("/favicon.ico".equals(path)) {
        // Browsers ask for it on every page; no icon, and no error in their console either.
        send(response, callback, new AdminResponse(204, AdminResponse.TEXT, new byte[0]), true);
        return true;
      }
      AdminHandler route = path == null ? null : routes.get(path);
      if (route == null) {
        send(response, callback, AdminResponse.text(404, "not found\n"), head);
        return true;
      }
      AdminResponse answer;
      try {
        answer = route.handle(new AdminRequest(path, parameters(request)));
      } catch (AdminRequest.BadParameter e) {
        answer = AdminResponse.text(400, "bad parameter " + e.getMessage() + "\n");
      } catch (Exception e) {
        // The message may carry an RPC URL or a database password: log the type only.
        LOG.warn("admin page {} failed: {}", path, e.getClass().getName());
        answer = AdminResponse.text(500, "this page failed; see the server log\n");
      }
      send(response, callback, answer, head);
      return true;
    }

    private static Map<String, List<String>> parameters(Request request) {
      Map<String, List<String>> out = new LinkedHashMap<>();
      Fields fields;
      try {
        fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        throw new AdminRequest.BadParameter("query", "is not a valid query string");
      }
      for (Fields.Field f : fields) {
        out.put(f.getName(), List.copyOf(f.getValues()));
      }
      return out;
    }

    private boolean localHost(String hostHeader) {
      if (hostHeader == null) {
        return false;
      }
      String host = hostHeader.toLowerCase(Locale.ROOT);
      int colon = host.lastIndexOf(':');
      if (colon > host.lastIndexOf(']')) {
        host = host.substring(0, colon);
      }
      return LOCAL_HOSTS.contains(host) || host.equals(boundHost);
    }
  }

  /** Jetty's own errors (malformed requests) with the same headers and no server details. */
  private static final class Errors extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      secure(response);
      Object status = request.getAttribute(ERROR_STATUS);
      int code = status instanceof Integer i && i >= 400 && i <= 599 ? i : 500;
      send(response, callback, AdminResponse.text(code, "error " + code + "\n"), false);
      return true;
    }
  }

  /** Builds an {@link AdminServer}. */
  public static final class Builder {
    private final String name;
    private final Map<String, AdminHandler> routes = new LinkedHashMap<>();
    private String host = "127.0.0.1";
    private int port;
    private String password;
    private Clock clock = Clock.systemUTC();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name") + "-admin";
    }

    /** The address to bind; 127.0.0.1 by default. Any other than loopback needs a password. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("admin port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The password every request must carry (HTTP Basic); {@code null} for none, which only a
     * loopback listener accepts. See {@link AdminServer#passwordFromEnv}.
     */
    public Builder password(String password) {
      if (password != null) {
        try {
          BasicAuthGuard.checkPassword(password);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("admin listener: " + e.getMessage());
        }
      }
      this.password = password;
      return this;
    }

    /** The clock that times the password guard's windows ({@link BasicAuthGuard}); for tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Answers GET {@code path} (exact, e.g. {@code /} or {@code /api/summary}) with {@code
     * handler}.
     */
    public Builder route(String path, AdminHandler handler) {
      Objects.requireNonNull(handler, "handler");
      if (path == null || !path.startsWith("/") || path.startsWith(AdminAssets.PATH)) {
        throw new IllegalArgumentException("an admin route is a path outside /assets/: " + path);
      }
      if (routes.putIfAbsent(path, handler) != null) {
        throw new IllegalArgumentException("two admin routes for " + path);
      }
      return this;
    }

    /**
     * The listener, not yet started.
     *
     * @throws IllegalStateException when bound beyond loopback without a password
     */
    public AdminServer build() {
      if (password == null && !isLoopback(host)) {
        throw new IllegalStateException(
            "the admin listener on "
                + host
                + " is not loopback-only: give it a password with --admin-password-env NAME"
                + " (or bind it to 127.0.0.1)");
      }
      return new AdminServer(this);
    }
  }
}
