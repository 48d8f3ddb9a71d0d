package io.x402j.facilitator.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of a JSON-RPC node that fails on command, the ways real endpoints fail: it
 * goes away (connections refused), hangs (the request reaches the node, the answer never returns),
 * answers 500, or rate-limits with 429.
 */
public final class FaultyRpcProxy implements AutoCloseable {
  /** How the proxy treats the next requests. */
  public enum Mode {
    /** Forwards faithfully. */
    PASS,
    /** Not listening: connections are refused. */
    DOWN,
    /** Forwards, then holds the answer until the mode changes, then drops the connection. */
    HANG,
    /** Answers 500 without forwarding. */
    ERROR,
    /** Answers 429 with Retry-After: 1 without forwarding. */
    RATE_LIMITED,
    /**
     * Forwards everything, but drops the answer to a transaction broadcast: the node has the
     * transaction, the sender cannot know.
     */
    LOSE_BROADCAST_ANSWERS
  }

  private final URI node;
  private final int port;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger forwarded = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile Mode mode = Mode.PASS;

  /** Open while the proxy hangs; hung requests wait on it. */
  private volatile CountDownLatch hanging = new CountDownLatch(0);

  private HttpServer server;

  public FaultyRpcProxy(String nodeUrl) throws IOException {
    this.node = URI.create(nodeUrl);
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  private HttpServer listen(int onPort) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 64);
    s.createContext("/", this::handle);
    s.setExecutor(threads);
    s.start();
    return s;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Requests forwarded to the node, and requests failed on purpose, so far. */
  public int forwarded() {
    return forwarded.get();
  }

  public int failed() {
    return failed.get();
  }

  /** Switches behaviour; {@link Mode#DOWN} closes the listener, leaving it reopens it. */
  public synchronized void mode(Mode next) throws IOException {
    if (next == mode) {
      return;
    }
    if (next == Mode.DOWN) {
      server.stop(0);
    } else if (mode == Mode.DOWN) {
      IOException last = null;
      for (int attempt = 0; attempt < 50; attempt++) {
        try {
          server = listen(port);
          last = null;
          break;
        } catch (IOException e) {
          last = e; // the port may linger for a moment: a retry pause, not a wait for a test
          sleep(100);
        }
      }
      if (last != null) {
        throw last;
      }
    }
    CountDownLatch wasHanging = hanging;
    if (next == Mode.HANG) {
      hanging = new CountDownLatch(1);
    }
    mode = next;
    wasHanging.countDown();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Mode now = mode;
      switch (now) {
        case ERROR -> {
          failed.incrementAndGet();
          answer(exchange, 500, "internal error");
        }
        case RATE_LIMITED -> {
          failed.incrementAndGet();
          exchange.getResponseHeaders().add("Retry-After", "1");
          answer(exchange, 429, "{\"error\":\"rate limited\"}");
        }
        default -> {
          HttpResponse<byte[]> response = forward(body);
          forwarded.incrementAndGet();
          if (now == Mode.LOSE_BROADCAST_ANSWERS
              && new String(body, StandardCharsets.UTF_8).contains("eth_sendRawTransaction")) {
            failed.incrementAndGet();
            return; // closed without an answer
          }
          if (now == Mode.HANG || mode == Mode.HANG) {
            failed.incrementAndGet();
            CountDownLatch until = hanging;
            if (mode == Mode.HANG) {
              until.await(5, TimeUnit.MINUTES); // until the mode changes
            }
            return; // the answer is lost: the connection closes without one
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(response.statusCode(), response.body().length);
          exchange.getResponseBody().write(response.body());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpResponse<byte[]> forward(byte[] body) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(node)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    mode = Mode.PASS;
    hanging.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
