package io.x402j.jetty;

import java.time.Duration;
import java.util.Objects;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One embedded Jetty server set up the way every x402j server wants it: a bounded, named thread
 * pool; one HTTP/1.1 connector on a given host (loopback unless told otherwise) with no {@code
 * Server} version header; a graceful stop that lets requests in flight finish within a limit; and
 * errors that say which server failed to bind. Shared by the facilitator and the gateway; not part
 * of the x402j API.
 */
public final class JettyServer implements AutoCloseable {
  private static final long SHUTDOWN_IDLE_TIMEOUT_MILLIS = 100;

  private final String name;
  private final Server server;
  private final ServerConnector connector;
  private volatile int boundPort = -1;

  private JettyServer(Builder b) {
    this.name = b.name;
    QueuedThreadPool threads = new QueuedThreadPool(b.maxThreads, 8);
    threads.setName("x402j-" + b.name);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(b.host);
    connector.setPort(b.port);
    if (b.idleTimeout != null) {
      connector.setIdleTimeout(b.idleTimeout.toMillis());
    }
    // On close, a connection idle this long is closed (Jetty's default is a second: every stop
    // waited that long for a client's idle keep-alive connection). A request being handled still
    // finishes within the stop timeout (JettyServerStopTest); only a client silent mid-request for
    // 100 ms during the stop is cut, as it was after a second before.
    connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT_MILLIS);
    server.addConnector(connector);
    server.setHandler(new GracefulHandler(b.handler));
    if (b.errorHandler != null) {
      server.setErrorHandler(b.errorHandler);
    }
    server.setStopTimeout(b.stopTimeout.toMillis());
  }

  /**
   * Starts configuring a server.
   *
   * @param name names the threads ({@code x402j-<name>}) and the server in error messages
   * @param handler what answers the requests
   */
  public static Builder builder(String name, Handler handler) {
    return new Builder(name, handler);
  }

  /**
   * Starts listening.
   *
   * @throws IllegalStateException naming this server and the cause when it cannot start (the port
   *     is taken, the host is not local)
   */
  public JettyServer start() {
    try {
      server.start();
      boundPort = connector.getLocalPort();
      return this;
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // already failing; the start failure is the one to report
      }
      throw new IllegalStateException(
          "cannot start the " + name + " HTTP server: " + e.getMessage(), e);
    }
  }

  /** The bound port (still known after {@link #close()}); -1 before {@link #start()}. */
  public int port() {
    return boundPort;
  }

  /** The base URL, {@code http://host:port}. */
  public String url() {
    String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
    return "http://" + host + ":" + port();
  }

  /** Jetty's scheduler, for deadlines that must not hold a thread (see {@link BodyReader}). */
  public Scheduler scheduler() {
    return server.getScheduler();
  }

  /**
   * Stops gracefully: no new requests, in-flight ones finish within the stop timeout; idle
   * keep-alive connections are closed after 100 ms.
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the " + name + " HTTP server failed", e);
    }
  }

  /** Builds a {@link JettyServer}. */
  public static final class Builder {
    private final String name;
    private final Handler handler;
    private String host = "127.0.0.1";
    private int port;
    private int maxThreads = 200;
    private Duration idleTimeout;
    private Duration stopTimeout = Duration.ofSeconds(30);
    private Request.Handler errorHandler;

    private Builder(String name, Handler handler) {
      this.name = Objects.requireNonNull(name, "name");
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** The interface to bind; {@code 127.0.0.1} by default. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** The most request threads; 200 by default. */
    public Builder maxThreads(int maxThreads) {
      if (maxThreads < 8) {
        throw new IllegalArgumentException("maxThreads must be at least 8, got " + maxThreads);
      }
      this.maxThreads = maxThreads;
      return this;
    }

    /** How long an idle connection stays open; Jetty's default (30 s) unless set. */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = positive(idleTimeout, "idleTimeout");
      return this;
    }

    /** How long {@link #close()} waits for requests in flight; 30 s by default. */
    public Builder stopTimeout(Duration stopTimeout) {
      this.stopTimeout = Objects.requireNonNull(stopTimeout, "stopTimeout");
      if (stopTimeout.isNegative()) {
        throw new IllegalArgumentException("stopTimeout must not be negative, got " + stopTimeout);
      }
      return this;
    }

    /**
     * What writes the errors Jetty answers by itself (a malformed request line, a bad URI), instead
     * of Jetty's default error page; the status is in the request attribute {@code
     * org.eclipse.jetty.server.error_status}.
     */
    public Builder errorHandler(Request.Handler errorHandler) {
      this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
      return this;
    }

    /** The server, not yet started. */
    public JettyServer build() {
      return new JettyServer(this);
    }

    private static Duration positive(Duration value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + value);
      }
      return value;
    }
  }
}
