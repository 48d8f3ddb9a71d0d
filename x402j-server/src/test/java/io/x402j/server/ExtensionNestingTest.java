package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.evm.ExactEvmClient;
import io.x402j.testkit.ScriptedFacilitator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deeply nested extensions in a payment header get a clear 4xx, never an error or a hang. */
class ExtensionNestingTest {
  ScriptedFacilitator facilitator;

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  @Test
  void deeplyNestedExtensionsAreRefusedWith4xx() {
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
            .extension(PaymentIdentifiers.optional())
            .routes(
                RouteTable.builder()
                    .route(
                        "GET /weather",
                        PaidRoute.of(
                            "$0.01", PaymentIdentifiersTest.NET, PaymentIdentifiersTest.SELLER))
                    .build())
            .build();
    PaymentRequired required = PaymentIdentifiersTest.required(gate, "/weather");
    PaymentRequirements accepted = required.accepts().get(0);
    String plain =
        PaymentIdentifiersTest.header(
            new PaymentPayload(
                ResourceInfo.of("http://127.0.0.1:8080/weather"),
                accepted,
                ExactEvmClient.of(PaymentIdentifiersTest.BUYER).createPayload(2, accepted),
                Map.of("bazaar", Map.of("x", "PLACEHOLDER")),
                Map.of()));
    String json = new String(Base64.getDecoder().decode(plain), StandardCharsets.UTF_8);
    for (int depth : new int[] {900, 5_000, 200_000}) {
      String deep = "[".repeat(depth) + "]".repeat(depth);
      String header =
          Base64.getEncoder()
              .encodeToString(
                  json.replace("\"PLACEHOLDER\"", deep).getBytes(StandardCharsets.UTF_8));
      GateDecision d =
          gate.check(
                  GateRequest.of(
                      "GET",
                      "/weather",
                      "http://127.0.0.1:8080/weather",
                      Map.of("PAYMENT-SIGNATURE", List.of(header))))
              .join();
      assertThat(d).as("depth " + depth).isInstanceOf(GateDecision.Respond.class);
      GateResponse r = ((GateDecision.Respond) d).response();
      assertThat(r.status()).as("depth " + depth + ": " + r.bodyText()).isBetween(400, 499);
    }
  }
}
