package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.ExactEvmClient;
import io.x402j.testkit.ScriptedFacilitator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A seller's {@link GateExtension} whose {@link GateExtension#checkEcho} refuses payments without
 * its echo: a protocol v1 payment cannot carry extensions at all, so it must not slip past the
 * check (the gate refuses a v1 payment where {@code payment-identifier} is required; any other
 * extension that refuses a missing echo deserves the same).
 */
class GateExtensionV1BypassTest {
  ScriptedFacilitator facilitator;
  final AtomicInteger checked = new AtomicInteger();

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.enqueueVerify(
        VerifyResponse.valid(PaymentIdentifiersTest.BUYER.address().toString()));
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  /** Refuses every payment that does not echo {@code {"accepted": true}}. */
  final GateExtension terms =
      new GateExtension() {
        @Override
        public String key() {
          return "terms";
        }

        @Override
        public Optional<Object> declare(RouteResolver.ResolvedRoute route, GateRequest request) {
          return Optional.of(Map.of("version", "2026-11"));
        }

        @Override
        public Optional<ExtensionRefusal> checkEcho(
            Object declared, Object echoed, io.x402j.core.wire.PaymentPayload payment) {
          checked.incrementAndGet();
          return echoed instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("accepted"))
              ? Optional.empty()
              : Optional.of(ExtensionRefusal.invalid("the terms were not accepted"));
        }
      };

  @Test
  void aV1PaymentDoesNotSkipAnExtensionThatRefusesAMissingEcho() {
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
            .extension(terms)
            .routes(
                RouteTable.builder()
                    .route(
                        "GET /weather",
                        PaidRoute.of(
                            "$0.01", PaymentIdentifiersTest.NET, PaymentIdentifiersTest.SELLER))
                    .build())
            .build();
    PaymentRequired required = PaymentIdentifiersTest.required(gate, "/weather");
    assertThat(required.extensions()).containsKey("terms");
    PaymentRequirements accepted = required.accepts().get(0);
    String v1 =
        PaymentIdentifiersTest.HEADERS.encodeXPayment(
            PaymentPayloadV1.of(
                "exact",
                "base-sepolia",
                ExactEvmClient.of(PaymentIdentifiersTest.BUYER).createPayload(1, accepted)));
    GateDecision d =
        gate.check(
                GateRequest.of(
                    "GET",
                    "/weather",
                    "http://127.0.0.1:8080/weather",
                    Map.of("X-PAYMENT", java.util.List.of(v1))))
            .join();
    assertThat(d)
        .as("a v1 payment, which cannot echo the declared extension, is not admitted")
        .isInstanceOf(GateDecision.Respond.class);
    assertThat(((GateDecision.Respond) d).response().status()).isEqualTo(402);
  }
}
