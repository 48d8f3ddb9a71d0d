package io.x402j.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SignInChoice;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentIdentifiers;
import io.x402j.server.PaymentWaiver;
import io.x402j.server.RouteTable;
import io.x402j.server.siwx.SignInWithXExtension;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The gate's extensions behind the WebFlux filter, on reactor-netty under BlockHound: a wallet that
 * paid signs in the next time (sign-in-with-x: the handler runs, nothing is settled), and a payment
 * identifier makes a repeated payment answer 409 with its receipt instead of a second response.
 */
class ExtensionsIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  static TestMarket market;
  static DisposableServer server;
  static String base;
  static final AtomicInteger handled = new AtomicInteger();
  static final List<String> payments = new CopyOnWriteArrayList<>();

  /** What the handler saw in the signed-in attribute on each request ("-" when absent). */
  static final java.util.List<String> signInsSeen =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    // The sign-in extension needs the server's origin, known once it is bound.
    AtomicReference<PaymentWebFilter> filter = new AtomicReference<>();
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(
                new ReactorHttpHandlerAdapter(
                    WebHttpHandlerBuilder.webHandler(
                            RouterFunctions.toWebHandler(
                                RouterFunctions.route()
                                    .GET(
                                        "/weather",
                                        r -> {
                                          handled.incrementAndGet();
                                          signInsSeen.add(
                                              r.attribute(PaymentWebFilter.SIGNED_IN_ATTRIBUTE)
                                                  .map(g -> ((PaymentWaiver.Granted) g).account())
                                                  .orElse("-"));
                                          r.headers()
                                              .header("PAYMENT-SIGNATURE")
                                              .forEach(payments::add);
                                          return ServerResponse.ok().bodyValue("sunny");
                                        })
                                    .build()))
                        .filter((exchange, chain) -> filter.get().filter(exchange, chain))
                        .build()))
            .bindNow();
    base = "http://127.0.0.1:" + server.port();
    filter.set(
        new PaymentWebFilter(
            PaymentGate.builder()
                .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
                .networks(market.networks())
                .routes(
                    RouteTable.builder()
                        .route(
                            "GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                        .build())
                .extension(SignInWithXExtension.builder().origin(base).build())
                .extension(PaymentIdentifiers.required())
                .build()));
  }

  @AfterAll
  static void stop() {
    server.disposeNow();
    market.close();
  }

  static X402Client client(SignInChoice signIn) {
    return X402Client.builder(
            Payer.builder()
                .signer(market.buyer())
                .networks(market.networks())
                .evmRpcUrl(market.network(), market.info().rpcUrl())
                .spendControls(SpendControls.unlimited())
                .signIn(signIn)
                .build())
        .build();
  }

  static PaidResponse<String> weather(X402Client client) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(base + "/weather")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aWalletThatPaidSignsInTheNextTimeAndIsNotCharged() throws Exception {
    X402Client client = client(SignInChoice.whenPaidWithin(Duration.ofDays(1)));
    BigInteger before = market.sellerBalance();
    int handledBefore = handled.get();

    PaidResponse<String> paid = weather(client);
    PaidResponse<String> signedIn = weather(client);

    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.settled()).isTrue();
    assertThat(signedIn.statusCode()).isEqualTo(200);
    assertThat(signedIn.body()).isEqualTo("sunny");
    assertThat(signedIn.settled()).isFalse();
    assertThat(handled.get() - handledBefore).isEqualTo(2);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    assertThat(client.payer().spendLog().spends()).hasSize(1);
    // The application is told who signed in, and only on the request served by the sign-in.
    List<String> lastTwo = signInsSeen.subList(signInsSeen.size() - 2, signInsSeen.size());
    assertThat(lastTwo.get(0)).isEqualTo("-");
    assertThat(lastTwo.get(1))
        .isEqualToIgnoringCase(market.network() + ":" + market.buyer().address());
  }

  @Test
  void aRepeatedPaymentWithItsIdentifierGetsItsReceiptNotASecondResponse() throws Exception {
    X402Client client = client(SignInChoice.never());
    PaidResponse<String> paid = weather(client);
    assertThat(paid.statusCode()).isEqualTo(200);
    String header = payments.get(payments.size() - 1);
    int handledBefore = handled.get();

    HttpResponse<String> again =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/weather"))
                .header("PAYMENT-SIGNATURE", header)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> withoutId =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/weather"))
                .header(
                    "PAYMENT-SIGNATURE",
                    market.payV2(
                        HTTP.send(
                                HttpRequest.newBuilder(URI.create(base + "/weather")).build(),
                                HttpResponse.BodyHandlers.ofString())
                            .headers()
                            .firstValue("PAYMENT-REQUIRED")
                            .orElseThrow()))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("payment_already_used").doesNotContain("sunny");
    assertThat(again.headers().firstValue("PAYMENT-RESPONSE")).isPresent();
    assertThat(withoutId.statusCode()).isEqualTo(400);
    assertThat(withoutId.body()).contains("payment_identifier_required");
    assertThat(handled.get()).isEqualTo(handledBefore);
    assertThat(JSON.readTree(again.body()).isObject()).isTrue();
  }
}
