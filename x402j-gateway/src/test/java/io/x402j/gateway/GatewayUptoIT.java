package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.FacilitatorOperation;
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
import io.x402j.testkit.RecordedFacilitatorRequest;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway selling {@code POST /infer=upto:100000} (and an exact Permit2 route) in front of an
 * upstream that says what it used in {@code Settlement-Overrides}, against a scripted facilitator
 * over HTTP: the facilitator settles the upstream's amount, the payer gets the receipt with it and
 * never sees the header; a malformed header charges nothing; {@code permit2_allowance_required} is
 * a 412 with the offer.
 */
class GatewayUptoIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String NET = "eip155:84532";
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String FACILITATOR = "0x1111111111111111111111111111111111111111";
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "33".repeat(32));

  ScriptedFacilitator facilitator;
  HttpServer upstream;
  Gateway gateway;
  final AtomicReference<String> overrides = new AtomicReference<>();
  final AtomicReference<VerifyResponse> verdict = new AtomicReference<>(VerifyResponse.valid(null));
  final BlockingQueue<RecordedFacilitatorRequest> settles = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    facilitator = ScriptedFacilitator.start();
    SupportedResponse supported =
        new SupportedResponse(
            List.of(
                SupportedKind.of(2, "exact", NET),
                new SupportedKind(
                    2, "upto", NET, Map.of("facilitatorAddress", FACILITATOR), Map.of())),
            List.of(),
            Map.of(),
            Map.of());
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.SUPPORTED) {
            return ScriptedAnswer.supported(supported);
          }
          if (request.operation() == FacilitatorOperation.VERIFY) {
            return ScriptedAnswer.verify(verdict.get());
          }
          settles.add(request);
          PaymentRequirements r = request.v2().paymentRequirements();
          return ScriptedAnswer.settle(
              new SettleResponse(
                  true, null, null, "0x" + "cd".repeat(32), NET, null, r.amount(), null, Map.of()));
        });
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"tokens\":25}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          String o = overrides.get();
          if (o != null) {
            exchange.getResponseHeaders().add("Settlement-Overrides", o);
          }
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
            NET,
            null,
            SELLER,
            null,
            60,
            false,
            "",
            List.of(
                GatewayConfig.ROUTE.parse("--route", "POST /infer=upto:100000"),
                GatewayConfig.ROUTE.parse("--route", "GET /weather=$0.01")),
            List.of(),
            GatewayConfig.ASSET_TRANSFER_METHOD.parse("--asset-transfer-method", "permit2"));
    gateway = config.start(Map.of());
  }

  @AfterEach
  void stop() {
    gateway.close();
    upstream.stop(0);
    facilitator.close();
  }

  HttpResponse<String> send(String method, String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gateway.url() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  PaymentRequired offer(String method, String path) throws Exception {
    HttpResponse<String> unpaid = send(method, path, Map.of());
    assertThat(unpaid.statusCode()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(
        unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
  }

  String pay(PaymentRequired required) {
    PaymentRequirements upto = required.accepts().get(0);
    return HEADERS.encodePaymentSignature(
        PaymentPayload.of(
            required.resource(), upto, UptoEvmClient.of(BUYER).createPayload(2, upto)));
  }

  @Test
  void chargesWhatTheUpstreamStatesAndStripsTheHeader() throws Exception {
    PaymentRequired required = offer("POST", "/infer");
    PaymentRequirements upto = required.accepts().get(0);
    assertThat(upto.scheme()).isEqualTo("upto");
    assertThat(upto.amount()).isEqualTo(TokenAmount.of(100000));
    assertThat(upto.extra()).containsEntry("facilitatorAddress", FACILITATOR);

    overrides.set("{\"amount\": \"$0.0025\"}");
    HttpResponse<String> paid = send("POST", "/infer", Map.of("PAYMENT-SIGNATURE", pay(required)));

    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.body()).isEqualTo("{\"tokens\":25}");
    assertThat(paid.headers().map().keySet())
        .noneMatch(name -> name.equalsIgnoreCase("Settlement-Overrides"));
    assertThat(settles.take().v2().paymentRequirements().amount()).isEqualTo(TokenAmount.of(2500));
    SettleResponse receipt =
        HEADERS.decodePaymentResponse(paid.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.amount()).isEqualTo(TokenAmount.of(2500));
  }

  @Test
  void noHeaderChargesTheCeilingAndAMalformedOneChargesNothing() throws Exception {
    PaymentRequired required = offer("POST", "/infer");
    HttpResponse<String> full = send("POST", "/infer", Map.of("PAYMENT-SIGNATURE", pay(required)));
    assertThat(full.statusCode()).isEqualTo(200);
    assertThat(settles.take().v2().paymentRequirements().amount())
        .isEqualTo(TokenAmount.of(100000));

    for (String bad :
        List.of(
            "{\"amount\":\"100001\"}",
            "{\"amount\":\"101%\"}",
            "{\"amount\":\"1\",\"amount\":\"2\"}",
            "{\"amount\":\"$0.0000001\"}",
            "not json")) {
      overrides.set(bad);
      HttpResponse<String> refused =
          send("POST", "/infer", Map.of("PAYMENT-SIGNATURE", pay(required)));
      // The upstream's fault, whether its header cannot be read or its amount is refused.
      assertThat(refused.statusCode()).as(bad).isEqualTo(502);
      assertThat(refused.body())
          .contains("Settlement-Overrides", "not charged")
          .doesNotContain("tokens");
      assertThat(refused.headers().map().keySet())
          .noneMatch(name -> name.equalsIgnoreCase("Settlement-Overrides"));
    }
    assertThat(settles).isEmpty();
  }

  @Test
  void exactRoutesAskForPermit2AndAnAllowanceProblemIs412() throws Exception {
    PaymentRequired exact = offer("GET", "/weather");
    assertThat(exact.accepts().get(0).extra()).containsEntry("assetTransferMethod", "permit2");

    PaymentRequired required = offer("POST", "/infer");
    verdict.set(VerifyResponse.invalid(ErrorReason.PERMIT2_ALLOWANCE_REQUIRED, null, null));
    HttpResponse<String> allowance =
        send("POST", "/infer", Map.of("PAYMENT-SIGNATURE", pay(required)));
    assertThat(allowance.statusCode()).isEqualTo(412);
    PaymentRequired again =
        HEADERS.decodePaymentRequired(
            allowance.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    assertThat(again.error()).isEqualTo("permit2_allowance_required");
    assertThat(again.accepts()).hasSize(1);
  }

  @Test
  void aFreeRoutesUpstreamHeaderIsStrippedToo() throws Exception {
    overrides.set("{\"amount\":\"1\"}");
    HttpResponse<String> free = send("GET", "/free", Map.of());
    assertThat(free.statusCode()).isEqualTo(200);
    assertThat(free.headers().map().keySet())
        .noneMatch(name -> name.equalsIgnoreCase("Settlement-Overrides"));
  }
}
