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
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on eip2612GasSponsoring: a payer who never approved Permit2 (and holds no ETH) sends
 * several payments at once, each carrying an EIP-2612 permit for Permit2 of exactly its amount. All
 * permits carry the same EIP-2612 nonce (the token's current one), and each permit sets the
 * allowance rather than adding to it, so at most one settleWithPermit can succeed however large the
 * balance; every other one reverts on the facilitator's gas. Balance tracking does not catch this:
 * the payer holds enough for all of them.
 */
class GasSponsoringAttackIT {
  static Devnet devnet;
  static Permit2Fixture fx;
  static DevnetInfo info;
  static EvmAddress seller;
  static PrivateKeySigner gas;

  @BeforeAll
  static void startChain() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("payer", BigInteger.ZERO, BigInteger.valueOf(1_000_000))
                .account("payer-2", BigInteger.ZERO, BigInteger.valueOf(1_000_000))
                .account("other", BigInteger.ZERO, BigInteger.valueOf(1_000_000))
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    seller = info.requireAccount("seller").address();
    fx = new Permit2Fixture(info, seller);
    gas = info.requireAccount("gas").signer();
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  /**
   * Proves: N sponsored payments of one payer (each its own Permit2 nonce, all with an EIP-2612
   * permit of the same token nonce), settled concurrently, cost the facilitator one transaction.
   * Fails on the current code: each simulates fine alone, several are broadcast and all but one
   * revert (the permit's nonce is spent and the allowance it set was used up), paid by the
   * facilitator; the payer, holding no ETH, repeats this for free.
   */
  @Test
  void concurrentSponsoredPaymentsWithOneEip2612NonceBroadcastExactlyOne() {
    PrivateKeySigner owner = info.requireAccount("payer-2").signer();
    assertThat(fx.permit2Allowance(owner.address())).isZero();
    long sentBefore = devnet.transactionCount(gas.address());
    int n = 5;
    List<SchemeRequest> payments = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      payments.add(fx.sponsored(owner, fx.permitInfo(owner, PRICE, now() + 600)));
    }
    try (ExactEvmFacilitator facilitator = fx.facilitator(gas)) {
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
        .as("exactly one settleWithPermit was broadcast, so none reverted on our gas")
        .isEqualTo(sentBefore + 1);
  }
}
