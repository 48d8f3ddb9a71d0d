package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.extensions.siwx.SiwxDeclaration;
import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.server.siwx.SignInWithXExtension;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: replay a used sign-in whose contract-wallet check (ERC-1271, an RPC round trip whose
 * latency the wallet's owner influences: a gas-heavy {@code isValidSignature}, a slow node) is
 * still running when the challenge's maximum age passes. The times are checked before the RPC, the
 * nonce after it; the replay store forgets the nonce at exactly that maximum age, so the late
 * replay finds it "new" and is served free a second time.
 */
class SignInWithXSlowVerifierReplayTest {
  static final String WALLET = "0x00000000000000000000000000000000c0ffee00";

  ScriptedFacilitator facilitator;
  final ManualClock clock = new ManualClock(Instant.now());
  final ReplayStore nonces = ReplayStore.inMemory(clock);
  final LinkedBlockingQueue<CompletableFuture<Boolean>> pending = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          assertThat(request.operation()).isEqualTo(FacilitatorOperation.SUPPORTED);
          return ScriptedAnswer.supported(
              new SupportedResponse(
                  List.of(SupportedKind.of(2, "exact", SignInWithXGateTest.NET.toString())),
                  List.of(),
                  Map.of(),
                  Map.of()));
        });
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  @Test
  void aReplayWhoseContractCheckOutlivesTheChallengeIsNotServedAgain() throws Exception {
    SignInWithXExtension siwx =
        SignInWithXExtension.builder()
            .origin(SignInWithXGateTest.ORIGIN)
            .clock(clock)
            .nonceSecret(SignInWithXGateTest.SECRET)
            .nonceStore(nonces)
            .contractWallets(
                (chain, wallet, hash, sig) -> {
                  CompletableFuture<Boolean> answer = new CompletableFuture<>();
                  pending.add(answer);
                  return answer;
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
    // The contract wallet paid for /weather a minute ago.
    siwx.history()
        .record(
            "GET /weather /weather",
            SignInWithXGateTest.NET.toString(),
            io.x402j.evm.EvmAddress.parse(WALLET).toString(),
            clock.instant().minusSeconds(60));

    SiwxDeclaration d =
        SignInWithXGateTest.declaration(SignInWithXGateTest.challenge(gate, "/weather"));
    SiwxProof byKey =
        SignInWithXGateTest.sign(SignInWithXGateTest.OTHER, d.info(), d.supportedChains().get(0));
    String header =
        new SiwxProof(
                byKey.challenge(), WALLET, byKey.chainId(), byKey.type(), null, byKey.signature())
            .toHeader();

    // First use: served free, as it should be.
    CompletableFuture<GateDecision> first =
        gate.check(SignInWithXGateTest.get("/weather", Map.of("SIGN-IN-WITH-X", header)));
    asked().complete(true);
    assertThat(first.join()).isInstanceOf(GateDecision.Free.class);

    // The replay arrives just inside the challenge's five minutes; its RPC answers just after.
    clock.advance(Duration.ofMinutes(5).minusMillis(2));
    CompletableFuture<GateDecision> replay =
        gate.check(SignInWithXGateTest.get("/weather", Map.of("SIGN-IN-WITH-X", header)));
    CompletableFuture<Boolean> asked = asked(); // its times were checked: it is at the RPC now
    clock.advance(Duration.ofMillis(5));
    asked.complete(true);

    assertThat(replay.join())
        .as("one sign-in, one free response")
        .isNotInstanceOf(GateDecision.Free.class);
  }

  /** The next contract-wallet question the gate asks (waits for the gate, never on a timer). */
  private CompletableFuture<Boolean> asked() throws InterruptedException {
    CompletableFuture<Boolean> next = pending.poll(30, TimeUnit.SECONDS);
    assertThat(next).as("the gate reached the contract-wallet check").isNotNull();
    return next;
  }
}
