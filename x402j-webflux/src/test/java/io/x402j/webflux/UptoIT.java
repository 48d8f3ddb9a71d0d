package io.x402j.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.UptoEvmClient;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteTable;
import io.x402j.testkit.RecordedFacilitatorRequest;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
 * An {@code upto} route behind the WebFlux filter, against a scripted facilitator: the handler's
 * exchange attribute or its {@code Settlement-Overrides} header sets what {@code /settle} is asked
 * for; the header never reaches the payer; an amount above the ceiling charges nothing.
 */
class UptoIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final Network NET = Network.evm(84532);
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "44".repeat(32));
  static final BlockingQueue<RecordedFacilitatorRequest> settles = new LinkedBlockingQueue<>();
  static ScriptedFacilitator facilitator;
  static DisposableServer server;
  static String base;

  @BeforeAll
  static void start() {
    facilitator = ScriptedFacilitator.start();
    SupportedResponse supported =
        new SupportedResponse(
            List.of(
                new SupportedKind(
                    2,
                    "upto",
                    NET.toString(),
                    Map.of("facilitatorAddress", "0x1111111111111111111111111111111111111111"),
                    Map.of())),
            List.of(),
            Map.of(),
            Map.of());
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.SUPPORTED) {
            return ScriptedAnswer.supported(supported);
          }
          if (request.operation() == FacilitatorOperation.VERIFY) {
            return ScriptedAnswer.verify(VerifyResponse.valid(null));
          }
          settles.add(request);
          PaymentRequirements r = request.v2().paymentRequirements();
          return ScriptedAnswer.settle(
              new SettleResponse(
                  true,
                  null,
                  null,
                  "0x" + "ef".repeat(32),
                  NET.toString(),
                  null,
                  r.amount(),
                  null,
                  Map.of()));
        });
    PaidRoute metered =
        PaidRoute.builder()
            .accept(
                PaymentOption.builder(NET)
                    .scheme("upto")
                    .price("$0.10")
                    .payTo("0x857b06519E91e3A54538791bDbb0E22373e36b66")
                    .build())
            .build();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
            .routes(RouteTable.builder().route("/infer", metered).route("/header", metered).build())
            .build();
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(
                new ReactorHttpHandlerAdapter(
                    WebHttpHandlerBuilder.webHandler(
                            RouterFunctions.toWebHandler(
                                RouterFunctions.route()
                                    .POST(
                                        "/infer",
                                        r -> {
                                          long tokens =
                                              Long.parseLong(r.queryParam("tokens").orElseThrow());
                                          r.attributes()
                                              .put(
                                                  PaymentWebFilter.SETTLEMENT_AMOUNT_ATTRIBUTE,
                                                  tokens * 10);
                                          return ServerResponse.ok()
                                              .bodyValue(
                                                  "{\"tokens\":"
                                                      + tokens
                                                      + ",\"ceiling\":\""
                                                      + r.attribute(
                                                              PaymentWebFilter.CEILING_ATTRIBUTE)
                                                          .orElseThrow()
                                                      + "\"}");
                                        })
                                    .POST(
                                        "/header",
                                        r ->
                                            ServerResponse.ok()
                                                .header(
                                                    "Settlement-Overrides",
                                                    "{\"amount\":\""
                                                        + r.queryParam("amount").orElseThrow()
                                                        + "\"}")
                                                .bodyValue("metered"))
                                    .build()))
                        .filter(new PaymentWebFilter(gate))
                        .build()))
            .bindNow();
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.disposeNow();
    facilitator.close();
  }

  static HttpResponse<String> post(String path, String payment) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody());
    if (payment != null) {
      b.header("PAYMENT-SIGNATURE", payment);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> paid(String path) throws Exception {
    HttpResponse<String> unpaid = post(path, null);
    assertThat(unpaid.statusCode()).isEqualTo(402);
    PaymentRequired required =
        HEADERS.decodePaymentRequired(
            unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    PaymentRequirements upto = required.accepts().get(0);
    assertThat(upto.scheme()).isEqualTo("upto");
    return post(
        path,
        HEADERS.encodePaymentSignature(
            PaymentPayload.of(
                required.resource(), upto, UptoEvmClient.of(BUYER).createPayload(2, upto))));
  }

  @Test
  void theHandlerChargesWhatItUsed() throws Exception {
    HttpResponse<String> response = paid("/infer?tokens=250");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"ceiling\":\"100000\"");
    assertThat(settles.take().v2().paymentRequirements().amount()).isEqualTo(TokenAmount.of(2500));
    SettleResponse receipt =
        HEADERS.decodePaymentResponse(
            response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.amount()).isEqualTo(TokenAmount.of(2500));
  }

  @Test
  void aSettlementOverridesHeaderIsReadAndStripped() throws Exception {
    HttpResponse<String> response = paid("/header?amount=50%25");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().map().keySet())
        .noneMatch(name -> name.equalsIgnoreCase("Settlement-Overrides"));
    assertThat(settles.take().v2().paymentRequirements().amount()).isEqualTo(TokenAmount.of(50000));
  }

  @Test
  void aboveTheCeilingChargesNothing() throws Exception {
    HttpResponse<String> response = paid("/infer?tokens=10001");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).contains("nothing was charged").doesNotContain("tokens");
    assertThat(settles).isEmpty();
  }
}
