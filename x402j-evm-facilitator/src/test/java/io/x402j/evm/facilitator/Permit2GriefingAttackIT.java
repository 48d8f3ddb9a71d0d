package io.x402j.evm.facilitator;

import static io.x402j.evm.facilitator.Permit2Fixture.ETH;
import static io.x402j.evm.facilitator.Permit2Fixture.PRICE;
import static io.x402j.evm.facilitator.Permit2Fixture.freshNonce;
import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.SettlementLedger;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the facilitator's gas through Permit2 (exact and upto): one payer signs several
 * permits (distinct Permit2 nonces) over a token balance that covers only one of them. Each permit
 * alone verifies and simulates fine; the EIP-3009 path counts balance committed to settlements in
 * flight ({@code InFlightBalance}) so only one transaction is ever sent. These tests ask the same
 * of the Permit2 path: the facilitator must never broadcast a settlement that will revert because
 * an earlier one of the same payer already took the money, and verify must not call a payment valid
 * when the payer's balance is already committed to a settlement in flight.
 */
class Permit2GriefingAttackIT {
  static Devnet devnet;
  static Permit2Fixture fx;
  static DevnetInfo info;
  static EvmAddress seller;

  @BeforeAll
  static void startChain() throws Exception {
    DevnetOptions.Builder options =
        DevnetOptions.builder().account("seller", BigInteger.ZERO, BigInteger.ZERO);
    for (String gas : List.of("gas-1", "gas-2", "gas-3")) {
      options.account(gas, ETH.multiply(BigInteger.TEN), BigInteger.ZERO);
    }
    // Each payer holds exactly one payment's worth of tokens, and allows Permit2 to spend it.
    for (String payer : List.of("thin-1", "thin-2", "thin-3")) {
      options.account(payer, ETH, PRICE);
    }
    devnet = Devnet.start(options.build());
    info = devnet.info();
    assertThat(info.permit2()).isPresent();
    seller = info.requireAccount("seller").address();
    fx = new Permit2Fixture(info, seller);
    for (String payer : List.of("thin-1", "thin-2", "thin-3")) {
      devnet.approvePermit2(account(payer).address(), info.token());
    }
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  @AfterEach
  void mineAgain() {
    devnet.setAutomine(true);
  }

  static PrivateKeySigner account(String name) {
    return info.requireAccount(name).signer();
  }

  static ExactEvmFacilitator facilitator(SettlementLedger ledger, Signer... signers) {
    return fx.facilitator(
        ledger,
        fx.network(signers)
            .pollInterval(Duration.ofMillis(50))
            .receiptTimeout(Duration.ofSeconds(30)));
  }

  static Permit2Authorization exactPermit(Signer owner) {
    return fx.exactPermit(owner, PRICE, freshNonce());
  }

  static Permit2Authorization uptoPermit(Signer owner, EvmAddress facilitator) {
    return fx.uptoPermit(owner, PRICE, facilitator, freshNonce());
  }

  static SchemeRequest request(String scheme, Signer owner, Permit2Authorization a) {
    return fx.request(scheme, PRICE, fx.signed(owner, a), "permit2-griefing-" + UUID.randomUUID());
  }

  /**
   * Proves: N exact Permit2 payments of one payer over a balance that covers one, settled
   * concurrently, cost the facilitator at most one transaction (as the EIP-3009 path guarantees in
   * GasGriefingIT). Before the fix several are broadcast and all but one revert on the
   * facilitator's gas: a griefing the payer repeats for free.
   */
  @Test
  void concurrentExactPermit2SettlementsOverOneBalanceBroadcastExactlyOne() {
    PrivateKeySigner payer = account("thin-1");
    PrivateKeySigner gas = account("gas-1");
    long sentBefore = devnet.transactionCount(gas.address());
    int n = 6;
    List<SchemeRequest> payments = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      payments.add(request("exact", payer, exactPermit(payer)));
    }
    try (ExactEvmFacilitator facilitator = facilitator(new InMemorySettlementLedger(), gas)) {
      for (SchemeRequest payment : payments) {
        assertThat(facilitator.verify(payment).join().isValid()).isTrue();
      }
      List<CompletableFuture<SettleResponse>> settles =
          payments.stream().map(facilitator::settle).collect(Collectors.toList());
      List<SettleResponse> results =
          settles.stream().map(CompletableFuture::join).collect(Collectors.toList());
      assertThat(results).filteredOn(SettleResponse::success).hasSize(1);
    }
    assertThat(devnet.transactionCount(gas.address()))
        .as("exactly one settlement transaction was broadcast, so none reverted on our gas")
        .isEqualTo(sentBefore + 1);
    assertThat(devnet.tokenBalance(payer.address())).isZero();
  }

  /** Proves the same for upto permits naming the facilitator's signer (the upto proxy path). */
  @Test
  void concurrentUptoSettlementsOverOneBalanceBroadcastExactlyOne() {
    PrivateKeySigner payer = account("thin-2");
    PrivateKeySigner gas = account("gas-2");
    long sentBefore = devnet.transactionCount(gas.address());
    int n = 6;
    List<SchemeRequest> payments = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      payments.add(request("upto", payer, uptoPermit(payer, gas.address())));
    }
    try (ExactEvmFacilitator facilitator = facilitator(new InMemorySettlementLedger(), gas)) {
      UptoEvmFacilitator upto = facilitator.upto();
      for (SchemeRequest payment : payments) {
        assertThat(upto.verify(payment).join().isValid()).isTrue();
      }
      List<CompletableFuture<SettleResponse>> settles =
          payments.stream().map(upto::settle).collect(Collectors.toList());
      List<SettleResponse> results =
          settles.stream().map(CompletableFuture::join).collect(Collectors.toList());
      assertThat(results).filteredOn(SettleResponse::success).hasSize(1);
    }
    assertThat(devnet.transactionCount(gas.address()))
        .as("exactly one settlement transaction was broadcast, so none reverted on our gas")
        .isEqualTo(sentBefore + 1);
  }

  /**
   * Proves: while one Permit2 settlement of a payer waits in the pool, verify of another permit
   * over the same (already committed) balance must not answer valid. The EIP-3009 path answers
   * invalid_exact_evm_insufficient_balance ("committed to settlements in flight"); a seller that
   * serves on this verify is left with a settlement that cannot succeed. Like EIP-3009's, the
   * verify counts this process's commitments without reading the ledger (verify is the hot path).
   */
  @Test
  void whileOnePermit2SettlementIsInFlightAnotherOverTheSameBalanceDoesNotVerify()
      throws Exception {
    PrivateKeySigner payer = account("thin-3");
    PrivateKeySigner gas = account("gas-3");
    long before = devnet.pendingTransactionCount(gas.address());
    SettlementLedger memory = new InMemorySettlementLedger();
    AtomicInteger ledgerReads = new AtomicInteger();
    SettlementLedger ledger =
        (SettlementLedger)
            Proxy.newProxyInstance(
                SettlementLedger.class.getClassLoader(),
                new Class<?>[] {SettlementLedger.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("inFlight")) {
                    ledgerReads.incrementAndGet();
                  }
                  try {
                    return method.invoke(memory, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    try (ExactEvmFacilitator facilitator = facilitator(ledger, gas)) {
      devnet.setAutomine(false);
      CompletableFuture<SettleResponse> first =
          facilitator.settle(request("exact", payer, exactPermit(payer)));
      assertThat(devnet.awaitPendingTransactions(gas.address(), before, Duration.ofSeconds(20)))
          .isEqualTo(before + 1);

      int readsBefore = ledgerReads.get();
      VerifyResponse second =
          facilitator.verify(request("exact", payer, exactPermit(payer))).join();
      assertThat(ledgerReads.get()).as("verify read the ledger").isEqualTo(readsBefore);

      devnet.mine();
      assertThat(first.join().success()).isTrue();
      assertThat(second.isValid())
          .as("the payer's whole balance is committed to the settlement in flight: %s", second)
          .isFalse();
      assertThat(second.reason()).hasValue(ErrorReason.PERMIT2_INSUFFICIENT_BALANCE);
    }
  }
}
