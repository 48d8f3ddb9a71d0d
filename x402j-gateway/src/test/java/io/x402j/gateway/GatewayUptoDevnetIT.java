package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.DevnetInfo;
import io.x402j.evm.UptoEvmClient;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteTable;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end on a real chain: a gateway selling {@code POST /infer} by usage (ceiling $0.10), the
 * x402j facilitator (exact + upto on one engine) on the devnet with Permit2 and the upto proxy, an
 * upstream that says it used $0.0025, and a buyer paying with a signed Permit2 witness. The seller
 * receives exactly 2500 atomic units, the buyer keeps the rest of the ceiling, the receipt says
 * 2500, and the payer never sees {@code Settlement-Overrides}.
 */
class GatewayUptoDevnetIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static TestMarket market;
  static HttpServer upstream;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    DevnetInfo info = market.info();
    market.devnet().approvePermit2(market.buyer().address(), info.token());
    FacilitatorService facilitator = DevnetSellers.facilitator(market);
    upstream =
        DevnetSellers.upstream(
            "{\"tokens\":25}", Map.of("Settlement-Overrides", "{\"amount\":\"$0.0025\"}"));
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(facilitator)
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route(
                        "POST /infer",
                        PaidRoute.builder()
                            .accept(
                                PaymentOption.builder(market.network())
                                    .upto("$0.10")
                                    .payTo(market.payTo())
                                    .build())
                            .build())
                    .build())
            .build();
    gateway = DevnetSellers.gateway(gate, upstream);
  }

  @AfterAll
  static void stop() {
    DevnetSellers.close(gateway, upstream, market);
  }

  static HttpResponse<String> post(String payment) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gateway.url() + "/infer"))
            .POST(HttpRequest.BodyPublishers.noBody());
    if (payment != null) {
      b.header("PAYMENT-SIGNATURE", payment);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String explain(HttpResponse<String> r) {
    return r.headers()
            .firstValue("PAYMENT-REQUIRED")
            .map(h -> HEADERS.decodePaymentRequired(h).error())
            .orElse("")
        + " "
        + r.headers()
            .firstValue("PAYMENT-RESPONSE")
            .map(h -> HEADERS.decodePaymentResponse(h).toString())
            .orElse("")
        + " "
        + r.body();
  }

  @Test
  void theSellerReceivesWhatTheUpstreamUsedNotTheCeiling() throws Exception {
    HttpResponse<String> unpaid = post(null);
    assertThat(unpaid.statusCode()).isEqualTo(402);
    PaymentRequired required =
        HEADERS.decodePaymentRequired(
            unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    PaymentRequirements upto = required.accepts().get(0);
    assertThat(upto.scheme()).isEqualTo("upto");
    assertThat(upto.amount()).isEqualTo(TokenAmount.of(100000));
    assertThat(upto.extra())
        .containsEntry(
            "facilitatorAddress", market.info().requireAccount("facilitator").address().toString());

    BigInteger sellerBefore = market.sellerBalance();
    BigInteger buyerBefore = market.balance(market.buyer().address());
    String payment =
        HEADERS.encodePaymentSignature(
            PaymentPayload.of(
                required.resource(),
                upto,
                UptoEvmClient.of(market.buyer()).createPayload(2, upto)));
    HttpResponse<String> paid = post(payment);

    assertThat(paid.statusCode()).as(() -> explain(paid)).isEqualTo(200);
    assertThat(paid.body()).isEqualTo("{\"tokens\":25}");
    assertThat(paid.headers().map().keySet())
        .noneMatch(name -> name.equalsIgnoreCase("Settlement-Overrides"));
    SettleResponse receipt =
        HEADERS.decodePaymentResponse(paid.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.success()).isTrue();
    assertThat(receipt.amount()).isEqualTo(TokenAmount.of(2500));
    assertThat(market.sellerBalance().subtract(sellerBefore)).isEqualTo(BigInteger.valueOf(2500));
    assertThat(buyerBefore.subtract(market.balance(market.buyer().address())))
        .isEqualTo(BigInteger.valueOf(2500));

    assertThat(post(payment).statusCode()).isEqualTo(402);
  }
}
