package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.facilitator.FaultLoad.Payment;
import io.x402j.facilitator.testing.FaultyRpcProxy;
import io.x402j.facilitator.testing.FaultyRpcProxy.Mode;
import io.x402j.settlement.SettlementFilter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facilitator's JSON-RPC endpoint fails in the middle of a load: it answers 500, rate-limits,
 * hangs after the node has the request, loses the answers to broadcasts, and goes away, while
 * settlements keep arriving. Every answer is a 200 with an outcome; afterwards, without a restart,
 * every payment reported settled is on chain once, every payment refused is not, every pending one
 * is resolved by the reconciler, and all the refused and pending ones settle when sent again.
 */
class ChainFaultsIT {
  static final int PER_PHASE = 5;
  static final List<Mode> PHASES =
      List.of(
          Mode.PASS,
          Mode.ERROR,
          Mode.RATE_LIMITED,
          Mode.HANG,
          Mode.LOSE_BROADCAST_ANSWERS,
          Mode.DOWN,
          Mode.PASS);

  @Test
  void rpcFailuresInTheMiddleOfALoadLoseNothingAndSettleNothingTwice(@TempDir Path temp)
      throws Exception {
    int payments = PER_PHASE * PHASES.size();
    try (Devnet devnet = FaultLoad.devnet(payments);
        FaultyRpcProxy proxy = new FaultyRpcProxy(devnet.info().rpcUrl())) {
      DevnetInfo info = devnet.info();
      PrivateKeySigner buyer = info.requireAccount("buyer").signer();
      List<Payment> all = FaultLoad.sign(info, payments);
      String database = "jdbc:sqlite:" + temp.resolve("ledger.db");
      FacilitatorConfig config =
          FacilitatorConfig.builder()
              .port(0)
              .database(database)
              .reconcileInterval(Duration.ofSeconds(1))
              .network(
                  NetworkSettings.builder(info.network())
                      .rpcUrl(proxy.url())
                      .signersFromEnv("KEYS")
                      .asset(info.token())
                      .pollInterval(Duration.ofMillis(50))
                      .blockTime(Duration.ofMillis(200))
                      .receiptTimeout(Duration.ofSeconds(6))
                      .v1Name("x402j-devnet")
                      .build())
              .build();

      try (FacilitatorApp app =
          FacilitatorApp.start(
              config,
              Map.of("KEYS", info.requireAccount("gas").privateKey()),
              NetworkRegistry.defaults())) {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int phase = 0; phase < PHASES.size(); phase++) {
          proxy.mode(PHASES.get(phase));
          for (int i = 0; i < PER_PHASE; i++) {
            sent.add(FaultLoad.settle(app, all.get(phase * PER_PHASE + i).body()));
          }
          // The fault lasts a while under load: this window is the scenario, and nothing below
          // depends on which requests fell into it (every outcome is checked either way, and
          // that the faults were met at all).
          Thread.sleep(1500);
        }
        proxy.mode(Mode.PASS);

        List<SettleResponse> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> response : sent) {
          HttpResponse<String> r = response.join();
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          answers.add(FacilitatorClusterIT.WIRE.decodeSettleResponse(r.body()));
        }
        System.out.printf(
            "proxy forwarded %d, failed %d on purpose; outcomes: %s%n",
            proxy.forwarded(),
            proxy.failed(),
            answers.stream()
                .map(a -> a.success() ? "settled" : a.errorReason())
                .collect(
                    java.util.stream.Collectors.groupingBy(
                        o -> o, java.util.TreeMap::new, java.util.stream.Collectors.counting())));
        assertThat(proxy.failed()).as("the faults were met").isPositive();
        assertThat(answers.stream().filter(a -> !a.success()))
            .as("some settlements were refused or left pending by the faults")
            .isNotEmpty();

        // The reconciler, not a restart, resolves whatever was left pending.
        try (JdbcSettlementLedger ledger = JdbcSettlementLedger.open(database)) {
          long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
          while (!ledger.list(SettlementFilter.all(), 0, 1000).stream()
              .allMatch(r -> r.state().isFinal())) {
            assertThat(System.nanoTime()).as("every settlement resolved").isLessThan(deadline);
            Thread.sleep(250); // the reconciler runs on its own schedule; this only spaces looks
          }
        }
        List<Integer> settleAgain = new ArrayList<>();
        for (int i = 0; i < payments; i++) {
          SettleResponse answer = answers.get(i);
          boolean used = devnet.authorizationUsed(buyer.address(), all.get(i).nonce());
          if (answer.success()) {
            assertThat(used).as("payment %d was reported settled", i).isTrue();
            assertThat(devnet.awaitReceipt(answer.transaction()).path("status").asText())
                .isEqualTo("0x1");
          } else if (ErrorReason.SETTLEMENT_PENDING.wire().equals(answer.errorReason())) {
            settleAgain.add(i); // either way is right, as long as asking again tells which
          } else {
            assertThat(used).as("payment %d was refused: %s", i, answer).isFalse();
            settleAgain.add(i);
          }
        }

        // Recovered without a restart: everything not yet settled settles now, once.
        for (int i : settleAgain) {
          HttpResponse<String> r = FaultLoad.settle(app, all.get(i).body()).join();
          SettleResponse answer = FacilitatorClusterIT.WIRE.decodeSettleResponse(r.body());
          assertThat(answer.success()).as("payment %d sent again: %s", i, answer).isTrue();
        }
      }
      FaultLoad.assertEachSettledOnce(devnet, all);
    }
  }
}
