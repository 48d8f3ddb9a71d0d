package io.x402j.evm.facilitator;

import static io.x402j.evm.facilitator.Permit2Fixture.ETH;
import static io.x402j.evm.facilitator.Permit2Fixture.PRICE;
import static io.x402j.evm.facilitator.Permit2Fixture.now;
import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.SettlementLedger;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two facilitators sharing one ledger, each with its own gas account, are sent sponsored payments
 * that all carry one EIP-2612 permit (the same token nonce): the ledger records which permit each
 * settlement submits, so only one settleWithPermit is broadcast between them.
 */
class Eip2612SharedLedgerIT {
  static Devnet devnet;
  static Permit2Fixture fx;
  static DevnetInfo info;
  static EvmAddress seller;
  static PrivateKeySigner gas;
  static PrivateKeySigner gas2;

  @BeforeAll
  static void startChain() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("gas2", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("payer", BigInteger.ZERO, BigInteger.valueOf(1_000_000))
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    seller = info.requireAccount("seller").address();
    fx = new Permit2Fixture(info, seller);
    gas = info.requireAccount("gas").signer();
    gas2 = info.requireAccount("gas2").signer();
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  @Test
  void facilitatorsSharingALedgerBroadcastOneSettlementPerEip2612Permit() {
    PrivateKeySigner owner = info.requireAccount("payer").signer();
    assertThat(fx.permit2Allowance(owner.address())).isZero();
    long sentBefore =
        devnet.transactionCount(gas.address()) + devnet.transactionCount(gas2.address());
    int n = 6;
    List<SchemeRequest> payments = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      payments.add(fx.sponsored(owner, fx.permitInfo(owner, PRICE, now() + 600)));
    }
    SettlementLedger ledger = new InMemorySettlementLedger();
    try (ExactEvmFacilitator one = fx.facilitator(ledger, gas);
        ExactEvmFacilitator two = fx.facilitator(ledger, gas2)) {
      List<CompletableFuture<SettleResponse>> settles = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        settles.add((i % 2 == 0 ? one : two).settle(payments.get(i)));
      }
      List<SettleResponse> results =
          settles.stream().map(CompletableFuture::join).collect(Collectors.toList());
      assertThat(results).filteredOn(SettleResponse::success).hasSize(1);
    }
    assertThat(devnet.transactionCount(gas.address()) + devnet.transactionCount(gas2.address()))
        .as("exactly one settleWithPermit was broadcast by the two facilitators")
        .isEqualTo(sentBefore + 1);
  }
}
