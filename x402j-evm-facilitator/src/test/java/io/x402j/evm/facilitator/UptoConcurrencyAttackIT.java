package io.x402j.evm.facilitator;

import static io.x402j.evm.facilitator.Permit2Fixture.ETH;
import static io.x402j.evm.facilitator.Permit2Fixture.PRICE;
import static io.x402j.evm.facilitator.Permit2Fixture.freshNonce;
import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.SettlementLedger;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on upto's promise "never twice, never for a different amount": the same upto permit is
 * settled concurrently for different amounts, at one facilitator and at two facilitators sharing a
 * ledger (the permit names a signer both hold). Exactly one transaction may leave, and the buyer
 * loses exactly the amount of the one successful answer.
 */
class UptoConcurrencyAttackIT {
  static Devnet devnet;
  static Permit2Fixture fx;
  static DevnetInfo info;
  static EvmAddress seller;

  @BeforeAll
  static void startChain() throws Exception {
    // The payer holds exactly one payment's worth of tokens, and allows Permit2 to spend it.
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .account("gas-1", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("thin-1", ETH, PRICE)
                .build());
    info = devnet.info();
    assertThat(info.permit2()).isPresent();
    seller = info.requireAccount("seller").address();
    fx = new Permit2Fixture(info, seller);
    devnet.approvePermit2(account("thin-1").address(), info.token());
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
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

  static Permit2Authorization uptoPermit(Signer owner, EvmAddress facilitator) {
    return fx.uptoPermit(owner, PRICE, facilitator, freshNonce());
  }

  static SchemeRequest request(String scheme, Signer owner, Permit2Authorization a) {
    return fx.request(scheme, PRICE, fx.signed(owner, a), "upto-concurrency-" + UUID.randomUUID());
  }

  /** Proves (held unless it fails): concurrent settles of one upto permit move money once. */
  @Test
  void oneUptoPermitSettledConcurrentlyForDifferentAmountsMovesMoneyOnce() {
    PrivateKeySigner payer = account("thin-1");
    PrivateKeySigner gas = account("gas-1");
    long sentBefore = devnet.transactionCount(gas.address());
    BigInteger before = devnet.tokenBalance(payer.address());
    Permit2Authorization a = uptoPermit(payer, gas.address());
    SettlementLedger shared = new InMemorySettlementLedger();
    try (ExactEvmFacilitator one = facilitator(shared, gas);
        ExactEvmFacilitator two = facilitator(shared, gas)) {
      List<CompletableFuture<SettleResponse>> settles = new ArrayList<>();
      for (int i = 1; i <= 6; i++) {
        SchemeRequest ceiling = request("upto", payer, a);
        PaymentRequirements actual =
            ceiling.requirements().toBuilder()
                .amount(TokenAmount.of(BigInteger.valueOf(1000L * i)))
                .build();
        SchemeRequest charge =
            new SchemeRequest(2, ceiling.payload(), actual, ceiling.settlementId());
        settles.add((i % 2 == 0 ? one : two).upto().settle(charge));
      }
      List<SettleResponse> results =
          settles.stream().map(CompletableFuture::join).collect(Collectors.toList());
      List<SettleResponse> won =
          results.stream().filter(SettleResponse::success).collect(Collectors.toList());
      assertThat(won).as("%s", results).hasSize(1);
      BigInteger charged = won.get(0).amount().value();
      assertThat(devnet.tokenBalance(payer.address())).isEqualTo(before.subtract(charged));
    }
    assertThat(devnet.transactionCount(gas.address())).isEqualTo(sentBefore + 1);
  }
}
