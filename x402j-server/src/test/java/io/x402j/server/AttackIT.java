package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.x402j.devnet.DevnetInfo;
import io.x402j.evm.EvmNetworkConfig;
import io.x402j.evm.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.server.GateHarness.Answer;
import io.x402j.server.gateway.Gateway;
import io.x402j.server.testing.TestMarket;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on "one payment buys one response" and "nothing for nothing", with real parts: anvil, the
 * x402j facilitator, the gate and the gateway. Every test here states the promise; those marked
 * BREAK in their Javadoc fail on the code they were written against.
 */
class AttackIT {
  static final Answer OK = new Answer(200, "the secret report");

  static TestMarket market;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  /** A scheduler whose delayed tasks run only when the test runs them. */
  static final class ManualScheduler extends ScheduledThreadPoolExecutor {
    private final BlockingQueue<CompletableFuture<Runnable>> waiting = new LinkedBlockingQueue<>();
    private final BlockingQueue<Runnable> due = new LinkedBlockingQueue<>();

    ManualScheduler() {
      super(1);
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      CompletableFuture<Runnable> waiter = waiting.poll();
      if (waiter != null) {
        waiter.complete(command);
      } else {
        due.add(command);
      }
      return super.schedule(() -> {}, 1, TimeUnit.DAYS);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(
        java.util.concurrent.Callable<V> callable, long delay, TimeUnit unit) {
      schedule(
          () -> {
            try {
              callable.call();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          },
          delay,
          unit);
      return super.schedule(() -> null, 1, TimeUnit.DAYS);
    }

    /** The next task scheduled, when it is. */
    synchronized CompletableFuture<Runnable> next() {
      Runnable task = due.poll();
      if (task != null) {
        return CompletableFuture.completedFuture(task);
      }
      CompletableFuture<Runnable> waiter = new CompletableFuture<>();
      waiting.add(waiter);
      return waiter;
    }
  }

  /**
   * Found by review: a gate waiting for a pending settlement (PendingSettlement.WAIT) marked the
   * payment PENDING between two polls while its request still waited, so a copy of the header sent
   * in that window was RESUMED — admitted unverified and settled under the same attempt — and both
   * were served for one transfer. The payment now stays in use until the gate stops waiting.
   */
  @Test
  void aCopySentWhileTheGateStillWaitsForItsPendingSettlementIsRefused() throws Exception {
    DevnetInfo info = market.info();
    ExactEvmFacilitator exact =
        ExactEvmFacilitator.builder()
            .network(
                EvmNetworkConfig.builder(
                        info.networkInfo(), JsonRpcClient.builder(info.rpcUrl()).build())
                    .signer(info.requireAccount("other-facilitator").signer())
                    .receiptTimeout(Duration.ofMillis(300))
                    .pollInterval(Duration.ofMillis(50))
                    .build())
            .build();
    FacilitatorService facilitator =
        FacilitatorService.builder().scheme(exact).networks(market.networks()).build();
    ManualScheduler scheduler = new ManualScheduler();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(facilitator)
            .networks(market.networks())
            .routes(RouteTable.builder().route("GET /report", market.route("$0.01")).build())
            .pendingSettlement(PendingSettlement.WAIT, Duration.ofMinutes(5), Duration.ofMillis(1))
            .scheduler(scheduler)
            .build();
    GateHarness harness = new GateHarness(gate);
    String payment =
        market.payV2(
            harness.serve(GateHarness.get("/report", Map.of()), OK).header("PAYMENT-REQUIRED"));
    GateRequest request = GateHarness.get("/report", Map.of("PAYMENT-SIGNATURE", payment));
    BigInteger before = market.sellerBalance();
    List<CompletableFuture<Completion>> completions = new ArrayList<>();
    market.devnet().setAutomine(false);
    try {
      // 1. The buyer's request: verified, its handler ran, its settlement broadcast, unconfirmed.
      GateDecision first = gate.check(request).join();
      assertThat(first).isInstanceOf(GateDecision.Admit.class);
      CompletableFuture<Runnable> firstScheduled = scheduler.next();
      completions.add(((GateDecision.Admit) first).admission().complete(200));
      // the gate waits: the response is still held, a poll of the settlement scheduled
      Runnable firstPoll = firstScheduled.get(60, TimeUnit.SECONDS);
      assertThat(completions.get(0)).isNotDone();

      // 2. The same header again, while the first request is still waiting for its settlement.
      GateDecision copy = gate.check(request).join();
      Runnable copyPoll = null;
      if (copy instanceof GateDecision.Admit admitted) {
        CompletableFuture<Runnable> copyScheduled = scheduler.next();
        CompletableFuture<Completion> copyDone = admitted.admission().complete(200);
        completions.add(copyDone);
        // the copy's settlement either answers at once or is pending (a poll is scheduled)
        CompletableFuture.anyOf(copyScheduled, copyDone).get(60, TimeUnit.SECONDS);
        copyPoll = copyDone.isDone() ? null : copyScheduled.join();
      }

      // 3. The block is mined; both waiting requests poll the facilitator again.
      market.devnet().mine();
      firstPoll.run();
      if (copyPoll != null) {
        copyPoll.run();
      }
      int released = 0;
      for (CompletableFuture<Completion> c : completions) {
        if (c.get(60, TimeUnit.SECONDS) instanceof Completion.Release) {
          released++;
        }
      }
      assertThat(market.sellerBalance())
          .as("the payment moved once")
          .isEqualTo(before.add(BigInteger.valueOf(10_000)));
      assertThat(released).as("responses released for one payment").isEqualTo(1);
    } finally {
      market.devnet().setAutomine(true);
      market.devnet().mine();
      scheduler.shutdownNow();
      exact.close();
    }
  }

  // ------------------------------------------------------------------------------------ gateway

  static final AtomicInteger jobsWritten = new AtomicInteger();

  /**
   * An upstream that honours method overrides as Rack::MethodOverride (on by default in Rails),
   * Laravel, Symfony and ASP.NET Core's UseHttpMethodOverride do: a POST carrying {@code
   * X-HTTP-Method-Override} (or a {@code _method} form field) runs the handler of that method.
   */
  static void methodOverridingUpstream(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
    String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (method.equals("POST") && override != null) {
      method = override.toUpperCase(java.util.Locale.ROOT);
    } else if (method.equals("POST") && form.startsWith("_method=")) {
      method = form.substring("_method=".length()).toUpperCase(java.util.Locale.ROOT);
    }
    byte[] body;
    if (method.equals("PUT") && exchange.getRequestURI().getPath().startsWith("/jobs/")) {
      jobsWritten.incrementAndGet();
      body = "job stored (a paid write)".getBytes(StandardCharsets.UTF_8);
    } else {
      body = "nothing here".getBytes(StandardCharsets.UTF_8);
    }
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  /**
   * Found by review: the gateway priced the request-line method and forwarded method overrides, so
   * an upstream that honours them (Rack::MethodOverride, Laravel, Symfony, ASP.NET Core's
   * UseHttpMethodOverride) ran the paid {@code PUT} for a free {@code POST}. Every override is now
   * refused with a 400 naming it.
   */
  @Test
  void methodOverridesAreRefusedSoAFreePostCannotRunAPaidPut() throws Exception {
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", AttackIT::methodOverridingUpstream);
    upstream.start();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(market.facilitator())
            .networks(market.networks())
            .routes(RouteTable.builder().route("PUT /jobs/:id", market.route("$0.01")).build())
            .build();
    try (Gateway gateway =
        Gateway.builder(gate, URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .start()) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(URI.create(gateway.url() + "/jobs/7"))
                  .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as("PUT /jobs/7 is priced").isEqualTo(402);

      List<HttpRequest> overrides =
          List.of(
              post(gateway, "/jobs/7", "{}", "X-HTTP-Method-Override", "PUT"),
              post(gateway, "/jobs/7", "{}", "X_HTTP_Method_Override", "PUT"),
              post(gateway, "/jobs/7", "{}", "X-Method-Override", "PUT"),
              post(
                  gateway,
                  "/jobs/7",
                  "_method=PUT",
                  "Content-Type",
                  "application/x-www-form-urlencoded"),
              post(
                  gateway,
                  "/jobs/7",
                  "a=1&%5Fmethod=PUT",
                  "Content-Type",
                  "application/x-www-form-urlencoded"),
              post(gateway, "/jobs/7?_method=PUT", "{}", "Content-Type", "application/json"),
              post(gateway, "/jobs/7", "{\"_method\":\"PUT\"}", "Content-Type", "application/json"),
              post(
                  gateway,
                  "/jobs/7",
                  "--b\r\nContent-Disposition: form-data; name=\"_method\"\r\n\r\nPUT\r\n--b--\r\n",
                  "Content-Type",
                  "multipart/form-data; boundary=b"));
      for (HttpRequest override : overrides) {
        HttpResponse<String> refused = http.send(override, HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("%s %s", override, override.headers()).isEqualTo(400);
        assertThat(refused.body()).contains("method override");
      }
      HttpResponse<String> plainPost =
          http.send(
              post(
                  gateway,
                  "/jobs/7",
                  "{\"name\":\"not an override\"}",
                  "Content-Type",
                  "application/json"),
              HttpResponse.BodyHandlers.ofString());
      assertThat(plainPost.statusCode()).as("a free POST still passes").isEqualTo(200);
      assertThat(jobsWritten.get()).as("the paid PUT handler never ran unpaid").isZero();
    } finally {
      upstream.stop(0);
    }
  }

  static HttpRequest post(Gateway gateway, String path, String body, String header, String value) {
    return HttpRequest.newBuilder(URI.create(gateway.url() + path))
        .header(header, value)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /**
   * Headers that re-route an upstream or that only the gateway may set never pass, in any spelling:
   * CGI-style servers read {@code X_Payment_Payer} as {@code X-Payment-Payer}.
   */
  @Test
  void reroutingAndGatewayOwnedHeadersAreNotForwardedInAnySpelling() throws Exception {
    List<com.sun.net.httpserver.Headers> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          seen.add(exchange.getRequestHeaders());
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    upstream.start();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(market.facilitator())
            .networks(market.networks())
            .routes(RouteTable.builder().route("GET /paid", market.route("$0.01")).build())
            .build();
    try (Gateway gateway =
        Gateway.builder(gate, URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .start()) {
      HttpResponse<String> free =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(gateway.url() + "/free"))
                      .header("X-Original-URL", "/paid")
                      .header("X-Rewrite-URL", "/paid")
                      .header("Forwarded", "for=1.2.3.4;host=paid.example")
                      .header("X_Payment_Payer", "0x857b06519E91e3A54538791bDbb0E22373e36b66")
                      .header("X-Payment_Payer", "0x857b06519E91e3A54538791bDbb0E22373e36b66")
                      .header("X402j-Settlement-Id", "client-chosen-attempt-1")
                      .header("X-Custom", "kept")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(free.statusCode()).isEqualTo(200);
      com.sun.net.httpserver.Headers forwarded = seen.get(0);
      assertThat(forwarded.keySet())
          .map(name -> name.toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
          .doesNotContain(
              "x-original-url",
              "x-rewrite-url",
              "forwarded",
              "x-payment-payer",
              "x402j-settlement-id")
          .contains("x-custom");
    } finally {
      upstream.stop(0);
    }
  }
}
