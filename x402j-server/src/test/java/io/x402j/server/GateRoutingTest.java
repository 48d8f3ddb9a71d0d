package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which requests the gate prices: the method a server will run, and CORS preflights free. */
class GateRoutingTest {
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

  /** Counts calls; no request in these tests may reach it. */
  static final class CountingFacilitator implements Facilitator {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public CompletableFuture<VerifyResponse> verify(FacilitatorRequest request) {
      calls.incrementAndGet();
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<SettleResponse> settle(FacilitatorRequest request) {
      calls.incrementAndGet();
      return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<SupportedResponse> supported() {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }
  }

  final CountingFacilitator facilitator = new CountingFacilitator();
  final PaymentGate gate =
      PaymentGate.builder()
          .facilitator(facilitator)
          .routes(
              RouteTable.builder()
                  .route("GET /download", PaidRoute.of("$0.01", Network.evm(84532), SELLER))
                  .route("/files/*", PaidRoute.of("$0.02", Network.evm(84532), SELLER))
                  .build())
          .build();

  static GateRequest request(String method, String path, String... headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], List.of(headers[i + 1]));
    }
    return GateRequest.of(method, path, "http://127.0.0.1:8080" + path, h);
  }

  GateDecision decide(GateRequest request) {
    return gate.check(request).join();
  }

  static GateResponse answer(GateDecision decision) {
    assertThat(decision).isInstanceOf(GateDecision.Respond.class);
    return ((GateDecision.Respond) decision).response();
  }

  @Test
  void headIsPricedExactlyLikeGet() {
    GateResponse get = answer(decide(request("GET", "/download")));
    GateResponse head = answer(decide(request("HEAD", "/download")));

    assertThat(head.status()).isEqualTo(402);
    assertThat(head.headers()).isEqualTo(get.headers());
    assertThat(answer(decide(request("HEAD", "/files/a.pdf"))).status()).isEqualTo(402);
  }

  @Test
  void anOptionsThatIsNoPreflightIsPricedByTheRouteOfItsPath() {
    assertThat(answer(decide(request("OPTIONS", "/download"))).status()).isEqualTo(402);
    assertThat(answer(decide(request("OPTIONS", "/files/a.pdf"))).status()).isEqualTo(402);
    assertThat(
            answer(decide(request("OPTIONS", "/download", "Origin", "https://a.example"))).status())
        .as("Origin alone is no preflight")
        .isEqualTo(402);
    assertThat(
            answer(decide(request("OPTIONS", "/download", "Access-Control-Request-Method", "GET")))
                .status())
        .as("Access-Control-Request-Method alone is no preflight")
        .isEqualTo(402);
    assertThat(
            answer(
                    decide(
                        request(
                            "OPTIONS",
                            "/download",
                            "Origin",
                            " ",
                            "Access-Control-Request-Method",
                            "GET")))
                .status())
        .as("a blank Origin is no preflight")
        .isEqualTo(402);
    assertThat(decide(request("OPTIONS", "/free"))).isInstanceOf(GateDecision.Free.class);
  }

  @Test
  void aCorsPreflightIsFreeAndItsPaymentHeaderIsNeverLookedAt() {
    GateRequest preflight =
        request(
            "OPTIONS",
            "/download",
            "Origin",
            "https://shop.example",
            "Access-Control-Request-Method",
            "GET",
            "PAYMENT-SIGNATURE",
            "not a payment");

    assertThat(decide(preflight)).isInstanceOf(GateDecision.Free.class);
    assertThat(gate.route(preflight)).isEmpty();
    assertThat(facilitator.calls).hasValue(0);
  }

  @Test
  void otherMethodsStayAsTheRouteSays() {
    assertThat(decide(request("POST", "/download"))).isInstanceOf(GateDecision.Free.class);
    assertThat(answer(decide(request("DELETE", "/files/a.pdf"))).status()).isEqualTo(402);
  }
}
