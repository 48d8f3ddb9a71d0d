package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.extensions.siwx.SiwxDeclaration;
import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.server.siwx.SignInWithXExtension;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: with contract wallets enabled, anyone makes the seller's node run an attacker-chosen
 * {@code eth_call} (an {@code isValidSignature} of any address, e.g. a contract that burns the
 * call's gas) per request: a challenge is free, and the signature is checked on chain before the
 * policy, which would refuse the address at once because it never paid.
 */
class SignInWithXRpcAmplificationTest {
  ScriptedFacilitator facilitator;
  final ManualClock clock = new ManualClock(Instant.now());

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request ->
            ScriptedAnswer.supported(
                new SupportedResponse(
                    List.of(SupportedKind.of(2, "exact", SignInWithXGateTest.NET.toString())),
                    List.of(),
                    Map.of(),
                    Map.of())));
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  @Test
  void anAddressThatNeverPaidCostsTheSellerNoNodeCall() {
    AtomicInteger asked = new AtomicInteger();
    SignInWithXExtension siwx =
        SignInWithXExtension.builder()
            .origin(SignInWithXGateTest.ORIGIN)
            .clock(clock)
            .nonceSecret(SignInWithXGateTest.SECRET)
            .contractWallets(
                (chain, wallet, hash, sig) -> {
                  asked.incrementAndGet();
                  return CompletableFuture.completedFuture(true);
                })
            .build();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
            .routes(
                RouteTable.builder()
                    .route(
                        "GET /weather",
                        PaidRoute.of("$0.01", SignInWithXGateTest.NET, SignInWithXGateTest.SELLER))
                    .build())
            .extension(siwx)
            .build();

    SiwxDeclaration d =
        SignInWithXGateTest.declaration(SignInWithXGateTest.challenge(gate, "/weather"));
    SiwxProof byKey =
        SignInWithXGateTest.sign(SignInWithXGateTest.OTHER, d.info(), d.supportedChains().get(0));
    String header =
        new SiwxProof(
                byKey.challenge(),
                "0x000000000000000000000000000000000000dEaD",
                byKey.chainId(),
                byKey.type(),
                null,
                byKey.signature())
            .toHeader();

    GateDecision decision =
        gate.check(SignInWithXGateTest.get("/weather", Map.of("SIGN-IN-WITH-X", header))).join();

    assertThat(SignInWithXGateTest.refusal(decision)).contains("has not paid");
    assertThat(asked).as("isValidSignature calls on the seller's node").hasValue(0);
  }
}
