package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.x402j.core.Network;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.gateway.GatewayConfig.AssetSpec;
import io.x402j.gateway.GatewayConfig.RouteSpec;
import io.x402j.svm.ExactSvmClient;
import io.x402j.svm.ExactSvmPayload;
import io.x402j.svm.RecentBlockhash;
import io.x402j.svm.SolanaKeypair;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Solana gateway ({@code --network solana:… --asset MINT --pay-to <base58> --route "GET
 * /weather=1000"}) in front of a real upstream, with a scripted facilitator over HTTP: the 402
 * offers the mint with the facilitator's fee payer, a transaction built by x402j's Solana client
 * buys one response, and the same transaction again buys nothing.
 */
class GatewaySolanaIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
  static final String MINT = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
  static final String SELLER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
  static final String FEE_PAYER = "2wmVCSfPxGPjrnMMn7rchp4uaeoTqN39mXFC2zhPdri9";
  static final String BLOCKHASH = "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N";

  ScriptedFacilitator facilitator;
  HttpServer upstream;
  Gateway gateway;
  final AtomicInteger upstreamHits = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    facilitator = ScriptedFacilitator.start();
    ScriptedFacilitator.Dispatcher accepting = ScriptedFacilitator.Dispatcher.accepting();
    SupportedResponse supported =
        new SupportedResponse(
            List.of(new SupportedKind(2, "exact", DEVNET, Map.of("feePayer", FEE_PAYER), Map.of())),
            List.of(),
            Map.of(),
            Map.of());
    facilitator.dispatcher(
        request ->
            request.operation() == FacilitatorOperation.SUPPORTED
                ? ScriptedAnswer.supported(supported)
                : accepting.dispatch(request));
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          upstreamHits.incrementAndGet();
          byte[] body = "{\"weather\":\"sunny\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    GatewayConfig config =
        new GatewayConfig(
            "127.0.0.1",
            0,
            URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()),
            URI.create(facilitator.url()),
            null,
            DEVNET,
            null,
            SELLER,
            new AssetSpec(MINT, null, null, null, null),
            60,
            false,
            "",
            List.of(new RouteSpec("GET /weather", "1000", "", "", null, false)));
    gateway = config.start(Map.of());
  }

  @AfterEach
  void stop() {
    gateway.close();
    upstream.stop(0);
    facilitator.close();
  }

  HttpResponse<String> get(Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + "/weather"));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSolanaPaymentBuysOneResponse() throws Exception {
    HttpResponse<String> unpaid = get(Map.of());
    assertThat(unpaid.statusCode()).isEqualTo(402);
    PaymentRequired required =
        HEADERS.decodePaymentRequired(
            unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    PaymentRequirements offer = required.accepts().get(0);
    assertThat(required.accepts()).hasSize(1);
    assertThat(offer.network()).isEqualTo(Network.parse(DEVNET));
    assertThat(offer.asset()).isEqualTo(MINT);
    assertThat(offer.amount().toString()).isEqualTo("1000");
    assertThat(offer.payTo()).isEqualTo(SELLER);
    assertThat(offer.extra()).isEqualTo(Map.of("feePayer", FEE_PAYER));
    assertThat(upstreamHits).hasValue(0);

    ExactSvmClient buyer =
        ExactSvmClient.builder(SolanaKeypair.generate())
            .blockhashSource(network -> new RecentBlockhash(BLOCKHASH, 1000))
            .build();
    ExactSvmPayload payload = buyer.pay(offer);
    String header =
        HEADERS.encodePaymentSignature(
            PaymentPayload.of(required.resource(), offer, payload.toMap()));

    HttpResponse<String> paid = get(Map.of("PAYMENT-SIGNATURE", header));
    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.body()).isEqualTo("{\"weather\":\"sunny\"}");
    assertThat(paid.headers().firstValue("PAYMENT-RESPONSE")).isPresent();
    assertThat(upstreamHits).hasValue(1);

    HttpResponse<String> again = get(Map.of("PAYMENT-SIGNATURE", header));
    String respelled =
        HEADERS.encodePaymentSignature(
            PaymentPayload.of(ResourceInfo.of(gateway.url() + "/weather"), offer, payload.toMap()));
    HttpResponse<String> respelledAgain = get(Map.of("PAYMENT-SIGNATURE", respelled));
    assertThat(again.statusCode()).isEqualTo(402);
    assertThat(respelledAgain.statusCode()).isEqualTo(402);
    assertThat(upstreamHits).hasValue(1);
  }
}
