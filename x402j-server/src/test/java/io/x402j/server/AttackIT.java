package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.devnet.DevnetInfo;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.server.GateHarness.Answer;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on "one payment buys one response" and "nothing for nothing", with real parts: anvil, the
 * x402j facilitator, the gate and the gateway. Every test here states the promise; those marked
 * BREAK in their Javadoc fail on the code they were written against.
 */
class AttackIT {
  static final Answer OK = new Answer(200, "the secret report");

  static TestMarket market;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  /** A scheduler whose delayed tasks run only when the test runs them. */
  static final class ManualScheduler extends ScheduledThreadPoolExecutor {
    private final BlockingQueue<CompletableFuture<Runnable>> waiting = new LinkedBlockingQueue<>();
    private final BlockingQueue<Runnable> due = new LinkedBlockingQueue<>();

    ManualScheduler() {
      super(1);
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      CompletableFuture<Runnable> waiter = waiting.poll();
      if (waiter != null) {
        waiter.complete(command);
      } else {
        due.add(command);
      }
      return super.schedule(() -> {}, 1, TimeUnit.DAYS);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(
        java.util.concurrent.Callable<V> callable, long delay, TimeUnit unit) {
      schedule(
          () -> {
            try {
              callable.call();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          },
          delay,
          unit);
      return super.schedule(() -> null, 1, TimeUnit.DAYS);
    }

    /** The next task scheduled, when it is. */
    synchronized CompletableFuture<Runnable> next() {
      Runnable task = due.poll();
      if (task != null) {
        return CompletableFuture.completedFuture(task);
      }
      CompletableFuture<Runnable> waiter = new CompletableFuture<>();
      waiting.add(waiter);
      return waiter;
    }
  }

  /**
   * Found by review: a gate waiting for a pending settlement (PendingSettlement.WAIT) marked the
   * payment PENDING between two polls while its request still waited, so a copy of the header sent
   * in that window was RESUMED — admitted unverified and settled under the same attempt — and both
   * were served for one transfer. The payment now stays in use until the gate stops waiting.
   */
  @Test
  void aCopySentWhileTheGateStillWaitsForItsPendingSettlementIsRefused() throws Exception {
    DevnetInfo info = market.info();
    ExactEvmFacilitator exact =
        ExactEvmFacilitator.builder()
            .network(
                EvmNetworkConfig.builder(
                        info.networkInfo(), JsonRpcClient.builder(info.rpcUrl()).build())
                    .signer(info.requireAccount("other-facilitator").signer())
                    .receiptTimeout(Duration.ofMillis(300))
                    .pollInterval(Duration.ofMillis(50))
                    .build())
            .build();
    FacilitatorService facilitator =
        FacilitatorService.builder().scheme(exact).networks(market.networks()).build();
    ManualScheduler scheduler = new ManualScheduler();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(facilitator)
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("GET /report", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .pendingSettlement(PendingSettlement.WAIT, Duration.ofMinutes(5), Duration.ofMillis(1))
            .scheduler(scheduler)
            .build();
    GateHarness harness = new GateHarness(gate);
    String payment =
        market.payV2(
            harness.serve(GateHarness.get("/report", Map.of()), OK).header("PAYMENT-REQUIRED"));
    GateRequest request = GateHarness.get("/report", Map.of("PAYMENT-SIGNATURE", payment));
    BigInteger before = market.sellerBalance();
    List<CompletableFuture<Completion>> completions = new ArrayList<>();
    market.devnet().setAutomine(false);
    try {
      // 1. The buyer's request: verified, its handler ran, its settlement broadcast, unconfirmed.
      GateDecision first = gate.check(request).join();
      assertThat(first).isInstanceOf(GateDecision.Admit.class);
      CompletableFuture<Runnable> firstScheduled = scheduler.next();
      completions.add(((GateDecision.Admit) first).admission().complete(200));
      // the gate waits: the response is still held, a poll of the settlement scheduled
      Runnable firstPoll = firstScheduled.get(60, TimeUnit.SECONDS);
      assertThat(completions.get(0)).isNotDone();

      // 2. The same header again, while the first request is still waiting for its settlement.
      GateDecision copy = gate.check(request).join();
      Runnable copyPoll = null;
      if (copy instanceof GateDecision.Admit admitted) {
        CompletableFuture<Runnable> copyScheduled = scheduler.next();
        CompletableFuture<Completion> copyDone = admitted.admission().complete(200);
        completions.add(copyDone);
        // the copy's settlement either answers at once or is pending (a poll is scheduled)
        CompletableFuture.anyOf(copyScheduled, copyDone).get(60, TimeUnit.SECONDS);
        copyPoll = copyDone.isDone() ? null : copyScheduled.join();
      }

      // 3. The block is mined; both waiting requests poll the facilitator again.
      market.devnet().mine();
      firstPoll.run();
      if (copyPoll != null) {
        copyPoll.run();
      }
      int released = 0;
      for (CompletableFuture<Completion> c : completions) {
        if (c.get(60, TimeUnit.SECONDS) instanceof Completion.Release) {
          released++;
        }
      }
      assertThat(market.sellerBalance())
          .as("the payment moved once")
          .isEqualTo(before.add(BigInteger.valueOf(10_000)));
      assertThat(released).as("responses released for one payment").isEqualTo(1);
    } finally {
      market.devnet().setAutomine(true);
      market.devnet().mine();
      scheduler.shutdownNow();
      exact.close();
    }
  }
}
