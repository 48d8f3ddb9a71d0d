package io.x402j.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.testing.Spellings;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentEvent;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentListener;
import io.x402j.server.ReplayStore;
import io.x402j.server.RouteTable;
import io.x402j.testkit.RawHttp;
import io.x402j.testkit.TestMarket;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The filter on a real reactor-netty server, with the facilitator over HTTP and a SQLite replay
 * store, under BlockHound (installed by blockhound-junit-platform for every test of this module): a
 * blocking call on a Netty event loop fails the request it is made for.
 */
class PaymentWebFilterIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static TestMarket market;
  static DisposableServer server;
  static String base;
  static int port;
  static Path temp;
  static final AtomicInteger handled = new AtomicInteger();
  static final List<Throwable> blocked = new CopyOnWriteArrayList<>();
  static final List<String> threads = new CopyOnWriteArrayList<>();
  static final CountDownLatch slowStarted = new CountDownLatch(1);
  static final CountDownLatch slowCancelled = new CountDownLatch(1);
  static volatile CountDownLatch released = new CountDownLatch(1);

  /** The replay store, signalling when a payment in use is released unused. */
  record ReleaseSignal(ReplayStore delegate) implements ReplayStore {
    @Override
    public Acquisition acquire(String key, Instant expiresAt) {
      return delegate.acquire(key, expiresAt);
    }

    @Override
    public void release(String key) {
      delegate.release(key);
      released.countDown();
    }

    @Override
    public void settled(String key) {
      delegate.settled(key);
    }

    @Override
    public void pending(
        String key, String settlementId, TokenAmount settledAmount, Instant keepUntil) {
      delegate.pending(key, settlementId, settledAmount, keepUntil);
    }
  }

  /**
   * A seller's audit log, written with blocking file I/O as listeners often are, in the gate's
   * synchronous steps (before verifying, before settling). Called on an event loop, its writes
   * would be refused by BlockHound; what it saw is kept for the tests to check.
   */
  static final class AuditLog implements PaymentListener {
    final Path file;

    AuditLog(Path file) {
      this.file = file;
    }

    private void write(String line) {
      threads.add(Thread.currentThread().getName());
      try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (BlockingOperationError e) {
        blocked.add(e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void beforeVerify(PaymentEvent event) {
      write("verify " + event.route());
    }

    @Override
    public void beforeSettle(PaymentEvent event) {
      write("settle " + event.route());
    }
  }

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    temp = Files.createTempDirectory("x402j-webflux");
    org.sqlite.SQLiteDataSource database = new org.sqlite.SQLiteDataSource();
    database.setUrl("jdbc:sqlite:" + temp.resolve("replay.db"));
    PaidRoute price = PaidRoute.of("$0.01", market.network(), market.payTo());
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
            .networks(market.networks())
            .replayStore(new ReleaseSignal(ReplayStore.jdbc(database)))
            .listener(new AuditLog(temp.resolve("audit.log")))
            .routes(
                RouteTable.builder()
                    .route("GET /weather", price)
                    .route("/fail", price)
                    .route("/throw", price)
                    .route("/big", price)
                    .route("/big-upfront", price.toBuilder().settleBeforeHandler(true).build())
                    .route("/stated-upfront", price.toBuilder().settleBeforeHandler(true).build())
                    .route("/stream", price)
                    .route("/drain", price)
                    .route("/slow", price)
                    .route("POST /echo", price)
                    .build())
            .build();
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(
                new ReactorHttpHandlerAdapter(
                    WebHttpHandlerBuilder.webHandler(RouterFunctions.toWebHandler(shop()))
                        .filter(new PaymentWebFilter(gate, 64 * 1024))
                        .build()))
            .bindNow();
    port = server.port();
    base = "http://127.0.0.1:" + port;
  }

  @AfterEach
  void nothingBlockedAnEventLoop() {
    assertThat(blocked).as("blocking calls the gate made on an event loop").isEmpty();
    assertThat(threads)
        .as("threads the gate's listener ran on")
        .noneMatch(name -> name.startsWith("reactor-http"));
  }

  @AfterAll
  static void stop() throws IOException {
    server.disposeNow();
    market.close();
    try (var files = Files.list(temp)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(temp);
  }

  /** The seller's application: knows nothing about payments, and is naive about methods. */
  static RouterFunction<ServerResponse> shop() {
    HandlerFunction<ServerResponse> weather =
        request -> {
          handled.incrementAndGet();
          ServerResponse.BodyBuilder ok = ServerResponse.ok().header("X-Shop", "weather");
          request
              .headers()
              .header("Origin")
              .forEach(origin -> ok.header("Access-Control-Allow-Origin", origin));
          return ok.contentType(MediaType.APPLICATION_JSON)
              .bodyValue("{\"weather\":\"sunny\",\"path\":\"" + request.path() + "\"}");
        };
    return RouterFunctions.route(RequestPredicates.path("/weather"), weather)
        .andRoute(RequestPredicates.path("/free"), weather)
        .andRoute(
            RequestPredicates.path("/fail"),
            r -> {
              handled.incrementAndGet();
              return ServerResponse.status(503).bodyValue("backend down");
            })
        .andRoute(
            RequestPredicates.path("/throw"),
            r -> {
              handled.incrementAndGet();
              return Mono.error(new IllegalStateException("handler bug"));
            })
        .andRoute(
            RequestPredicates.path("/big").or(RequestPredicates.path("/big-upfront")),
            r ->
                ServerResponse.ok()
                    .contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .bodyValue(new byte[100 * 1024]))
        .andRoute(
            RequestPredicates.path("/stated-upfront"),
            // An unreadable amount, on a route whose payment settled before this handler ran.
            r ->
                ServerResponse.ok()
                    .header("Settlement-Overrides", "not json")
                    .bodyValue("already paid for"))
        .andRoute(
            RequestPredicates.path("/stream"),
            r ->
                ServerResponse.ok()
                    .contentType(MediaType.TEXT_PLAIN)
                    .body(
                        Flux.range(0, 200).map(i -> "secret chunk " + i + " ".repeat(500)),
                        String.class))
        .andRoute(
            RequestPredicates.path("/drain"),
            r ->
                // While the handler runs, the buyer's money leaves: settlement must fail.
                Mono.fromCallable(market::drainBuyer)
                    .subscribeOn(Schedulers.boundedElastic())
                    .then(ServerResponse.ok().bodyValue("secret report")))
        .andRoute(
            RequestPredicates.path("/slow"),
            r -> {
              // The first call never answers, and says so when its client goes away.
              if (slowStarted.getCount() > 0) {
                slowStarted.countDown();
                return Mono.<ServerResponse>never().doOnCancel(slowCancelled::countDown);
              }
              return ServerResponse.ok().bodyValue("slow report");
            })
        .andRoute(
            RequestPredicates.POST("/echo"),
            r ->
                ServerResponse.ok()
                    .contentType(MediaType.TEXT_PLAIN)
                    .body(r.bodyToMono(String.class), String.class))
        .andRoute(
            RequestPredicates.path("/blocking"),
            r -> {
              try {
                Thread.sleep(0); // a blocking call that takes no time: BlockHound refuses it
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return ServerResponse.ok().bodyValue("blocked the event loop");
            });
  }

  static HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String pay(String path) throws Exception {
    HttpResponse<String> unpaid = get(path, Map.of());
    assertThat(unpaid.statusCode()).isEqualTo(402);
    return market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
  }

  static HttpResponse<String> getPaid(String path) throws Exception {
    return get(path, Map.of("PAYMENT-SIGNATURE", pay(path)));
  }

  @Test
  void blockHoundIsWatchingTheEventLoop() throws Exception {
    HttpResponse<String> response = get("/blocking", Map.of());

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("blocked the event loop");
  }

  @Test
  void unpaidRequestsGet402AndTheHandlerNeverRuns() throws Exception {
    int before = handled.get();

    HttpResponse<String> response = get("/weather?city=Lisbon", Map.of());

    assertThat(response.statusCode()).isEqualTo(402);
    assertThat(response.headers().firstValue("X-Shop")).isEmpty();
    PaymentRequired required =
        HEADERS.decodePaymentRequired(
            response.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    assertThat(required.x402Version()).isEqualTo(2);
    assertThat(required.resource().url()).isEqualTo(base + "/weather?city=Lisbon");
    assertThat(required.accepts().get(0).amount()).isEqualTo(TokenAmount.of(10_000));
    assertThat(JSON.readTree(response.body()).path("x402Version").asInt()).isEqualTo(1);
    assertThat(JSON.readTree(response.body()).path("accepts").get(0).path("network").asText())
        .isEqualTo("x402j-devnet");
    assertThat(response.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
        .contains("PAYMENT-RESPONSE");
    assertThat(handled.get()).isEqualTo(before);
  }

  @Test
  void aPaidRequestIsServedWithItsReceiptOnlyAfterSettlement() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> response = getPaid("/weather");

    assertThat(Files.readString(temp.resolve("audit.log")))
        .as("the listener's blocking writes were made, off the event loop")
        .contains("verify GET /weather", "settle GET /weather");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"weather\":\"sunny\",\"path\":\"/weather\"}");
    assertThat(response.headers().firstValue("X-Shop")).hasValue("weather");
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("private");
    SettleResponse receipt =
        HEADERS.decodePaymentResponse(
            response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.success()).isTrue();
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void protocolV1ClientsArePaidAndAnsweredInV1() throws Exception {
    HttpResponse<String> unpaid = get("/weather", Map.of());
    String payment = market.payV1(unpaid.body());

    HttpResponse<String> response = get("/weather", Map.of("X-PAYMENT", payment));

    assertThat(response.statusCode()).isEqualTo(200);
    SettleResponse receipt =
        HEADERS.decodeXPaymentResponse(
            response.headers().firstValue("X-PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.network()).isEqualTo("x402j-devnet");
  }

  @Test
  void aHandlerErrorIsPassedOnAndNotCharged() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> failed = getPaid("/fail");
    HttpResponse<String> threw = getPaid("/throw");

    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(failed.body()).isEqualTo("backend down");
    assertThat(failed.headers().firstValue("PAYMENT-RESPONSE")).isEmpty();
    assertThat(threw.statusCode()).isEqualTo(500);
    assertThat(threw.headers().firstValue("PAYMENT-RESPONSE")).isEmpty();
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void aResponseBeyondTheBufferIsRefusedUncharged() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> whole = getPaid("/big");
    HttpResponse<String> streamed = getPaid("/stream");

    for (HttpResponse<String> response : List.of(whole, streamed)) {
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(JSON.readTree(response.body()).path("error").asText())
          .contains("larger than the payment buffer");
      assertThat(response.headers().firstValue("PAYMENT-RESPONSE")).isEmpty();
    }
    assertThat(streamed.body()).doesNotContain("secret");
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void anUnreadableStatedAmountOnARouteSettledFirstDoesNotRefuseTheResponseItPaidFor()
      throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> response = getPaid("/stated-upfront");

    assertThat(response.body()).doesNotContain("not charged").doesNotContain("nothing was");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("already paid for");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void aResponseBeyondTheBufferOnARouteSettledFirstDoesNotClaimTheBuyerWasNotCharged()
      throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> response = getPaid("/big-upfront");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(response.body()).path("error").asText())
        .contains("larger than the payment buffer")
        .contains("settled before the handler ran")
        .doesNotContain("not charged");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void aFailedSettlementNeverLetsThePaidBodyOut() throws Exception {
    BigInteger before = market.sellerBalance();
    String payment = pay("/drain");

    HttpResponse<String> response = get("/drain", Map.of("PAYMENT-SIGNATURE", payment));

    assertThat(response.statusCode()).isEqualTo(402);
    assertThat(response.body()).doesNotContain("secret");
    SettleResponse receipt =
        HEADERS.decodePaymentResponse(
            response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.success()).isFalse();
    assertThat(receipt.errorReason()).isEqualTo(ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE.wire());
    assertThat(market.sellerBalance()).isEqualTo(before);
    market.fundBuyer(BigInteger.valueOf(500_000_000));
  }

  static String respell(String header, UnaryOperator<Map<String, Object>> how) {
    PaymentPayload payment = HEADERS.decodePaymentSignature(header);
    return HEADERS.encodePaymentSignature(
        PaymentPayload.of(
            payment.resource(),
            payment.accepted(),
            how.apply(new LinkedHashMap<>(payment.payload()))));
  }

  @Test
  void aReplayedPaymentIsRefusedHoweverItIsSpelled() throws Exception {
    BigInteger before = market.sellerBalance();
    String payment = pay("/weather");
    assertThat(get("/weather", Map.of("PAYMENT-SIGNATURE", payment)).statusCode()).isEqualTo(200);
    int handledBefore = handled.get();
    Map<String, String> replays = new LinkedHashMap<>();
    replays.put("as signed", payment);
    replays.put(
        "nonce and signature upper case",
        respell(
            payment,
            p ->
                Spellings.signature(
                    Spellings.authorization(p, "nonce", Spellings::upperHex),
                    Spellings::upperHex)));
    replays.put(
        "payer upper case",
        respell(payment, p -> Spellings.authorization(p, "from", Spellings::upperHex)));
    replays.put(
        "payer lower case",
        respell(payment, p -> Spellings.authorization(p, "from", s -> s.toLowerCase(Locale.ROOT))));
    replays.put(
        "v as 0/1, validBefore with a leading zero",
        respell(
            payment,
            p ->
                Spellings.signature(
                    Spellings.authorization(p, "validBefore", s -> "0" + s),
                    Spellings::recoveryIdV)));
    replays.put(
        "nonce digit full-width",
        respell(payment, p -> Spellings.authorization(p, "nonce", Spellings::fullWidthDigit)));

    for (Map.Entry<String, String> replay : replays.entrySet()) {
      HttpResponse<String> response =
          get("/weather", Map.of("PAYMENT-SIGNATURE", replay.getValue()));
      assertThat(response.statusCode()).as(replay.getKey()).isEqualTo(402);
      assertThat(response.body()).as(replay.getKey()).doesNotContain("sunny");
    }
    assertThat(handled.get()).as("the handler ran for none").isEqualTo(handledBefore);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void aClientThatGoesAwayWhileTheHandlerRunsIsNotChargedAndMayPayAgain() throws Exception {
    BigInteger before = market.sellerBalance();
    String payment = pay("/slow");
    released = new CountDownLatch(1); // tests run one at a time: only this one's release counts
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket
          .getOutputStream()
          .write(
              ("GET /slow HTTP/1.1\r\nHost: 127.0.0.1:"
                      + port
                      + "\r\nPAYMENT-SIGNATURE: "
                      + payment
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      assertThat(slowStarted.await(30, TimeUnit.SECONDS)).as("the handler started").isTrue();
    }
    assertThat(slowCancelled.await(30, TimeUnit.SECONDS)).as("the handler was cancelled").isTrue();
    assertThat(released.await(30, TimeUnit.SECONDS)).as("the payment was released").isTrue();

    HttpResponse<String> again = get("/slow", Map.of("PAYMENT-SIGNATURE", payment));

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo("slow report");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void theRequestBodyReachesAPaidHandler() throws Exception {
    HttpResponse<String> unpaidPost =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("hello"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unpaidPost.statusCode()).isEqualTo(402);
    String postPayment =
        market.payV2(unpaidPost.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());

    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/echo"))
                .header("PAYMENT-SIGNATURE", postPayment)
                .POST(HttpRequest.BodyPublishers.ofString("hello, paid world"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello, paid world");
  }

  @Test
  void freePathsAndBrowsers() throws Exception {
    HttpResponse<String> free = get("/free", Map.of());
    assertThat(free.statusCode()).isEqualTo(200);
    assertThat(free.headers().firstValue("PAYMENT-REQUIRED")).isEmpty();

    HttpResponse<String> browser =
        get("/weather", Map.of("Accept", "text/html", "User-Agent", "Mozilla/5.0 Firefox/140.0"));
    assertThat(browser.statusCode()).isEqualTo(402);
    assertThat(browser.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(browser.body()).contains("Pay with browser wallet");
  }

  // ------------------------------------------ what is priced is what WebFlux dispatches

  static String raw(String method, String target, String... headers) throws IOException {
    StringBuilder request =
        new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return new RawHttp("127.0.0.1", port)
        .exchangeWhole(request.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  static String header(String answer, String name) {
    for (String line : answer.split("\r\n")) {
      if (line.isEmpty()) {
        return null;
      }
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return line.substring(name.length() + 1).strip();
      }
    }
    return null;
  }

  static String body(String answer) {
    int end = answer.indexOf("\r\n\r\n");
    return end < 0 ? "" : answer.substring(end + 4);
  }

  @Test
  void headIsPricedLikeGetAndTheHandlerNeverRunsUnpaid() throws Exception {
    int before = handled.get();

    String head = raw("HEAD", "/weather");
    String get = raw("GET", "/weather");

    assertThat(head).startsWith("HTTP/1.1 402 ");
    assertThat(header(head, "PAYMENT-REQUIRED"))
        .isNotNull()
        .isEqualTo(header(get, "PAYMENT-REQUIRED"));
    assertThat(header(head, "X-Shop")).isNull();
    assertThat(handled.get()).isEqualTo(before);
  }

  @Test
  void aPaidHeadSettlesLikeGet() throws Exception {
    BigInteger before = market.sellerBalance();
    String payment = pay("/weather");

    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/weather"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("PAYMENT-SIGNATURE", payment)
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Shop")).hasValue("weather");
    assertThat(
            HEADERS
                .decodePaymentResponse(
                    response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow())
                .success())
        .isTrue();
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void anOptionsThatIsNoPreflightIsPriced() throws Exception {
    int before = handled.get();

    String plain = raw("OPTIONS", "/weather");
    String originOnly = raw("OPTIONS", "/weather", "Origin", "https://shop.example");

    assertThat(plain).startsWith("HTTP/1.1 402 ");
    assertThat(originOnly).startsWith("HTTP/1.1 402 ");
    assertThat(body(plain)).doesNotContain("sunny");
    assertThat(handled.get()).isEqualTo(before);
  }

  @Test
  void aPreflightIsFreeButOnlyItsStatusAndCorsHeadersGetOut() throws Exception {
    int before = handled.get();

    String answer =
        raw(
            "OPTIONS",
            "/weather",
            "Origin",
            "https://shop.example",
            "Access-Control-Request-Method",
            "GET",
            "PAYMENT-SIGNATURE",
            "not a payment");

    assertThat(answer).startsWith("HTTP/1.1 200 ");
    assertThat(handled.get()).as("the application answers its preflights").isEqualTo(before + 1);
    assertThat(header(answer, "Access-Control-Allow-Origin")).isEqualTo("https://shop.example");
    assertThat(header(answer, "X-Shop")).isNull();
    assertThat(header(answer, "PAYMENT-REQUIRED")).isNull();
    assertThat(body(answer)).doesNotContain("sunny");
  }

  @Test
  void pathsThatServersReadDifferentlyAreRefusedBeforeAnyHandler() throws Exception {
    int before = handled.get();
    Map<String, String> named = new LinkedHashMap<>();
    named.put("/weather/../free", "dot segment (..)");
    named.put("/free/../weather", "dot segment (..)");
    named.put("/./weather", "dot segment (.)");
    named.put("/weather;x=y", "path parameter");
    named.put("/weather%3Bx", "encoded semicolon");
    named.put("/free/%2e%2e/weather", "dot segment");
    named.put("/free/..;/weather", "");
    named.put("//weather", "empty segment");
    named.put("/free%2Fweather", "");
    for (Map.Entry<String, String> e : named.entrySet()) {
      String answer = raw("GET", e.getKey());
      assertThat(answer).as(e.getKey()).startsWith("HTTP/1.1 400 ");
      assertThat(JSON.readTree(body(answer)).path("error").asText())
          .as(e.getKey())
          .contains(e.getValue());
    }
    for (String path : List.of("/WEATHER", "/%77eather", "/weather/")) {
      String answer = raw("GET", path);
      assertThat(answer).as(path).doesNotStartWith("HTTP/1.1 200 ");
      assertThat(body(answer)).as(path).doesNotContain("sunny");
    }
    assertThat(raw("GET", "/%77eather")).startsWith("HTTP/1.1 402 ");
    assertThat(handled.get()).as("no handler ran").isEqualTo(before);
  }
}
