package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.Price;
import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.extensions.siwx.SiwxDeclaration;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.SiweSigner;
import io.x402j.server.siwx.SignInWithXExtension;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sign-in pass is for what was paid: a route whose price or recipient depends on the request's
 * query or a header prices {@code /report?tier=basic} and {@code /report?tier=pro} differently (or
 * pays different sellers), so a payment for the cheap one (or to the other seller) is no pass for
 * the other.
 */
class SignInWithXTermsTest {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Network NET = Network.evm(84532);
  static final String SELLER_A = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String SELLER_B = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "22".repeat(32));
  static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  ScriptedFacilitator facilitator;
  final ManualClock clock = new ManualClock(Instant.now());

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.SUPPORTED) {
            return ScriptedAnswer.supported(
                new SupportedResponse(
                    List.of(SupportedKind.of(2, "exact", NET.toString())),
                    List.of(),
                    Map.of(),
                    Map.of()));
          }
          if (request.operation() == FacilitatorOperation.VERIFY) {
            return ScriptedAnswer.verify(VerifyResponse.valid(BUYER.address().toString()));
          }
          PaymentRequirements r = request.v2().paymentRequirements();
          return ScriptedAnswer.settle(
              SettleResponse.success(
                  "0x" + "ab".repeat(32), r.network().toString(), BUYER.address().toLowerHex()));
        });
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  PaymentGate gate(PaymentOption option) {
    return PaymentGate.builder()
        .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
        .routes(
            RouteTable.builder()
                .route("GET /report", PaidRoute.builder().accept(option).build())
                .build())
        .extension(
            SignInWithXExtension.builder()
                .origin("https://api.example.com")
                .clock(clock)
                .nonceSecret(SECRET)
                .build())
        .build();
  }

  static GateRequest get(String pathAndQuery, Map<String, String> headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    return GateRequest.of("GET", path, "http://10.0.0.7:8080" + pathAndQuery, h);
  }

  static PaymentRequired required(PaymentGate gate, String target) {
    GateResponse r = ((GateDecision.Respond) gate.check(get(target, Map.of())).join()).response();
    assertThat(r.status()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(r.header("PAYMENT-REQUIRED"));
  }

  static void pay(PaymentGate gate, String target) {
    PaymentRequirements accepted = required(gate, target).accepts().get(0);
    String payment =
        HEADERS.encodePaymentSignature(
            new PaymentPayload(
                ResourceInfo.of("http://10.0.0.7:8080" + target),
                accepted,
                ExactEvmClient.of(BUYER).createPayload(2, accepted),
                null,
                Map.of()));
    GateDecision d = gate.check(get(target, Map.of("PAYMENT-SIGNATURE", payment))).join();
    Completion c = ((GateDecision.Admit) d).admission().complete(200).join();
    assertThat(c).isInstanceOf(Completion.Release.class);
  }

  static GateDecision signIn(PaymentGate gate, String target) {
    SiwxDeclaration d =
        SiwxDeclaration.fromJson(required(gate, target).extensions().get(SignInWithX.KEY));
    String header = new SiweSigner(BUYER).sign(d.info(), d.supportedChains().get(0)).toHeader();
    return gate.check(get(target, Map.of(SignInWithX.HEADER, header))).join();
  }

  @Test
  void aPaymentForTheCheapTierIsNoPassForTheDearOne() {
    PaymentGate gate =
        gate(
            PaymentOption.builder(NET)
                .price(
                    request ->
                        request.url().endsWith("tier=pro") ? Price.usd("10") : Price.usd("0.01"))
                .payTo(SELLER_A)
                .build());
    assertThat(required(gate, "/report?tier=pro").accepts().get(0).amount())
        .isNotEqualTo(required(gate, "/report?tier=basic").accepts().get(0).amount());
    pay(gate, "/report?tier=basic");

    assertThat(signIn(gate, "/report?tier=basic")).isInstanceOf(GateDecision.Free.class);
    assertThat(signIn(gate, "/report?tier=pro")).isInstanceOf(GateDecision.Respond.class);
  }

  @Test
  void aPaymentToOneSellerIsNoPassForAnother() {
    PaymentGate gate =
        gate(
            PaymentOption.builder(NET)
                .price("$0.01")
                .payTo(request -> request.url().endsWith("seller=b") ? SELLER_B : SELLER_A)
                .build());
    pay(gate, "/report?seller=a");

    assertThat(signIn(gate, "/report?seller=a")).isInstanceOf(GateDecision.Free.class);
    assertThat(signIn(gate, "/report?seller=b")).isInstanceOf(GateDecision.Respond.class);
  }

  @Test
  void aPaymentAtTheCheapHeaderPriceIsNoPassForTheDearOne() {
    PaymentGate gate =
        gate(
            PaymentOption.builder(NET)
                .price(
                    request ->
                        request.header("X-Tier").filter("pro"::equals).isPresent()
                            ? Price.usd("10")
                            : Price.usd("0.01"))
                .payTo(SELLER_A)
                .build());
    pay(gate, "/report"); // no X-Tier: $0.01

    SiwxDeclaration d =
        SiwxDeclaration.fromJson(required(gate, "/report").extensions().get(SignInWithX.KEY));
    String header = new SiweSigner(BUYER).sign(d.info(), d.supportedChains().get(0)).toHeader();
    GateDecision pro =
        gate.check(get("/report", Map.of(SignInWithX.HEADER, header, "X-Tier", "pro"))).join();

    assertThat(pro).isInstanceOf(GateDecision.Respond.class);
  }
}
