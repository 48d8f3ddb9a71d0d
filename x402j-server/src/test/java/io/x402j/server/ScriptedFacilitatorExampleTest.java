package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.testkit.RecordedFacilitatorRequest;
import io.x402j.testkit.ScriptedFacilitator;
import io.x402j.testkit.TestPayments;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's "Testing your integration" example, kept compiling and passing: a gate in front of a
 * scripted facilitator that refuses the settlement answers 402, and the facilitator saw one verify
 * and one settle of the payment.
 */
class ScriptedFacilitatorExampleTest {
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  static final String URL = "https://shop.example/weather";

  @Test
  void aRefusedSettlementIsNotReleased() throws Exception {
    try (ScriptedFacilitator facilitator = ScriptedFacilitator.start()) {
      facilitator.enqueueSettle(
          SettleResponse.failure(ErrorReason.INSUFFICIENT_FUNDS, null, "", "eip155:84532", null));
      PaymentGate gate =
          PaymentGate.builder()
              .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
              .routes(
                  RouteTable.builder()
                      .route("GET /weather", PaidRoute.of("$0.01", Network.evm(84532), SELLER))
                      .build())
              .build();

      GateDecision unpaid = gate.check(GateRequest.of("GET", "/weather", URL, Map.of())).join();
      String offer = ((GateDecision.Respond) unpaid).response().header("PAYMENT-REQUIRED");
      String payment = TestPayments.v2(offer, PrivateKeySigner.fromHex("0x" + "11".repeat(32)));
      GateDecision paid =
          gate.check(
                  GateRequest.of(
                      "GET", "/weather", URL, Map.of("PAYMENT-SIGNATURE", List.of(payment))))
              .join();
      Completion completion = ((GateDecision.Admit) paid).admission().complete(200).join();

      assertThat(completion).isInstanceOf(Completion.Refuse.class);
      assertThat(((Completion.Refuse) completion).response().status()).isEqualTo(402);
      RecordedFacilitatorRequest verify = facilitator.takeRequest();
      assertThat(verify.operation()).isEqualTo(FacilitatorOperation.VERIFY);
      assertThat(verify.v2().paymentRequirements().payTo()).isEqualTo(SELLER);
      assertThat(facilitator.takeRequest().operation()).isEqualTo(FacilitatorOperation.SETTLE);
    }
  }
}
