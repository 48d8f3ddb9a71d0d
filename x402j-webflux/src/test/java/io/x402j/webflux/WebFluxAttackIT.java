package io.x402j.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.testkit.PaymentHeaderCopies;
import io.x402j.testkit.RawHttp;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** Attacks on the WebFlux filter with paid requests on a devnet. */
class WebFluxAttackIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final AtomicInteger runs = new AtomicInteger();
  static TestMarket market;
  static PaymentHeaderCopies.Counting facilitator;
  static DisposableServer server;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    PaidRoute price = PaidRoute.of("$0.01", market.network(), market.payTo());
    facilitator =
        new PaymentHeaderCopies.Counting(
            HttpFacilitatorClient.builder(market.facilitatorUrl()).build());
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(facilitator)
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("GET /te", price)
                    .route("GET /halfway", price)
                    .route("GET /report", price)
                    .build())
            .build();
    RouterFunction<ServerResponse> shop =
        RouterFunctions.route(
                RequestPredicates.path("/te"),
                r ->
                    ServerResponse.ok()
                        .header("Transfer-Encoding", "chunked")
                        .bodyValue("paid te content"))
            .andRoute(
                RequestPredicates.path("/halfway"),
                r ->
                    ServerResponse.ok()
                        .contentType(MediaType.TEXT_PLAIN)
                        .body(
                            Flux.concat(
                                Flux.just("paid first half "),
                                Flux.error(new IllegalStateException("backend broke halfway"))),
                            String.class))
            .andRoute(
                RequestPredicates.path("/report"),
                r -> {
                  runs.incrementAndGet();
                  return ServerResponse.ok().bodyValue("paid report");
                });
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(
                new ReactorHttpHandlerAdapter(
                    WebHttpHandlerBuilder.webHandler(RouterFunctions.toWebHandler(shop))
                        .filter(new PaymentWebFilter(gate, 64 * 1024))
                        .build()))
            .bindNow();
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.disposeNow();
    market.close();
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String pay(String path) throws Exception {
    HttpResponse<String> unpaid = get(path);
    assertThat(unpaid.statusCode()).isEqualTo(402);
    return market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
  }

  /**
   * A payment is sent once, in one header. Found by review: the filter refused two copies of one
   * header, but one PAYMENT-SIGNATURE with one X-PAYMENT passed (each name was counted alone), so
   * the gate paid with one while the application could read the other. The gate now refuses every
   * form with 400 naming the headers, before its facilitator is asked: the payment stays the
   * buyer's, and sent once it buys the response.
   */
  @Test
  void aPaymentSentMoreThanOnceIsRefusedBeforeAnythingIsVerified() throws Exception {
    String payment = pay("/report");
    int before = runs.get();
    PaymentHeaderCopies.assertRefusedEveryWay(
        server.port(), "/report", payment, "paid report", facilitator);
    assertThat(runs.get()).isEqualTo(before);

    PaymentHeaderCopies.assertBoughtOnce(
        server.port(), "/report", payment, "paid report", facilitator);
  }

  @Test
  void aPaidResponseNeverCarriesBothTransferEncodingAndContentLength() throws Exception {
    String payment = pay("/te");
    RawHttp raw = new RawHttp("127.0.0.1", server.port());

    String answer =
        raw.exchangeWhole(
            ("GET /te HTTP/1.1\r\nHost: 127.0.0.1:"
                    + server.port()
                    + "\r\nConnection: close\r\nPAYMENT-SIGNATURE: "
                    + payment
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));

    String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
    assertThat(head).startsWith("http/1.1 200");
    assertThat(head.contains("transfer-encoding:") && head.contains("content-length:"))
        .as("both framing headers in\n" + head)
        .isFalse();
  }

  @Test
  void aBodyThatFailsHalfwayReleasesNothingAndChargesNothing() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> response = get("/halfway", "PAYMENT-SIGNATURE", pay("/halfway"));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("paid first half");
    assertThat(response.headers().firstValue("PAYMENT-RESPONSE")).isEmpty();
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void oneAndTheSamePaymentSentTwiceAtOnceBuysOneResponse() throws Exception {
    String payment = pay("/report");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/report"))
            .header("PAYMENT-SIGNATURE", payment)
            .build();

    List<CompletableFuture<HttpResponse<String>>> both =
        List.of(
            HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()),
            HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()));

    long served =
        both.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200).count();
    assertThat(served).isEqualTo(1);
  }

  @Test
  void twoCopiesOfThePaymentHeaderAreRefused() throws Exception {
    String payment = pay("/report");
    int before = runs.get();
    RawHttp raw = new RawHttp("127.0.0.1", server.port());

    String status =
        raw.exchange(
            ("GET /report HTTP/1.1\r\nHost: 127.0.0.1:"
                    + server.port()
                    + "\r\nConnection: close\r\nPAYMENT-SIGNATURE: "
                    + payment
                    + "\r\nPAYMENT-SIGNATURE: garbage\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));

    assertThat(status).startsWith("HTTP/1.1 400");
    assertThat(runs.get()).isEqualTo(before);
  }
}
