package io.x402j.evm.facilitator;

import static io.x402j.evm.facilitator.Permit2Fixture.ETH;
import static io.x402j.evm.facilitator.Permit2Fixture.PRICE;
import static io.x402j.evm.facilitator.Permit2Fixture.now;
import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Permit2;
import io.x402j.evm.PrivateKeySigner;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gas-sponsoring extensions on anvil: a payer who never approved Permit2 pays with an EIP-2612
 * permit the facilitator submits through the proxy's {@code settleWithPermit}; each fault of the
 * extension is refused with its official reason before anything is sent.
 */
class GasSponsoringIT {
  static Devnet devnet;
  static Permit2Fixture fx;
  static DevnetInfo info;
  static PrivateKeySigner payer;
  static PrivateKeySigner other;
  static EvmAddress seller;
  static PrivateKeySigner gas;

  @BeforeAll
  static void startChain() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("payer", BigInteger.ZERO, BigInteger.valueOf(1_000_000))
                .account("other", BigInteger.ZERO, BigInteger.valueOf(1_000_000))
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    payer = info.requireAccount("payer").signer();
    other = info.requireAccount("other").signer();
    seller = info.requireAccount("seller").address();
    fx = new Permit2Fixture(info, seller);
    gas = info.requireAccount("gas").signer();
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  @Test
  void aPayerWithoutPermit2AllowanceOrEthPaysWithAnEip2612Permit() {
    assertThat(fx.permit2Allowance(payer.address())).isZero();
    assertThat(devnet.balance(payer.address())).isZero();
    try (ExactEvmFacilitator facilitator = fx.facilitator(gas)) {
      SchemeRequest bare = fx.sponsored(payer, null);
      assertThat(facilitator.verify(bare).join().reason())
          .as("without the extension the allowance is missing")
          .hasValue(ErrorReason.PERMIT2_ALLOWANCE_REQUIRED);

      SchemeRequest request = fx.sponsored(payer, fx.permitInfo(payer, PRICE, now() + 600));
      BigInteger before = devnet.tokenBalance(seller);
      VerifyResponse verdict = facilitator.verify(request).join();
      assertThat(verdict.isValid()).as(verdict.toString()).isTrue();
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(devnet.tokenBalance(seller)).isEqualTo(before.add(PRICE));
      assertThat(devnet.balance(payer.address())).as("the payer spent no gas").isZero();
      // The permit approved exactly the payment, which Permit2 then spent.
      assertThat(fx.permit2Allowance(payer.address())).isZero();
    }
  }

  private static ErrorReason refusal(Consumer<Map<String, Object>> change) {
    Map<String, Object> info2612 = new LinkedHashMap<>(fx.permitInfo(other, PRICE, now() + 600));
    change.accept(info2612);
    try (ExactEvmFacilitator facilitator = fx.facilitator(gas)) {
      SchemeRequest request = fx.sponsored(other, info2612);
      ErrorReason verified = facilitator.verify(request).join().reason().orElseThrow();
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.success()).isFalse();
      assertThat(settled.transaction()).isEmpty();
      assertThat(settled.reason()).hasValue(verified);
      return verified;
    }
  }

  @Test
  void eachFaultOfThePermitIsRefusedWithItsOfficialReasonAndNothingIsSent() {
    long sent = devnet.transactionCount(gas.address());
    assertThat(refusal(i -> i.put("from", payer.address().toString())))
        .isEqualTo(ErrorReason.EIP2612_FROM_MISMATCH);
    assertThat(refusal(i -> i.put("asset", seller.toString())))
        .isEqualTo(ErrorReason.EIP2612_ASSET_MISMATCH);
    assertThat(refusal(i -> i.put("spender", Permit2.EXACT_PROXY.toString())))
        .isEqualTo(ErrorReason.EIP2612_SPENDER_NOT_PERMIT2);
    assertThat(refusal(i -> i.put("deadline", Long.toString(now() + 3))))
        .isEqualTo(ErrorReason.EIP2612_DEADLINE_EXPIRED);
    assertThat(refusal(i -> i.put("amount", "0x2710")))
        .isEqualTo(ErrorReason.EIP2612_EXTENSION_FORMAT);
    assertThat(refusal(i -> i.put("amount", PRICE.add(BigInteger.ONE).toString())))
        .isEqualTo(ErrorReason.PERMIT2_2612_AMOUNT_MISMATCH);
    // A permit signed by someone else: the token refuses it, the proxy tolerates that, and
    // Permit2 then has no allowance to spend.
    Map<String, Object> forged = fx.permitInfo(payer, PRICE, now() + 600);
    assertThat(refusal(i -> i.put("signature", forged.get("signature"))))
        .isEqualTo(ErrorReason.PERMIT2_ALLOWANCE_REQUIRED);
    assertThat(devnet.transactionCount(gas.address())).isEqualTo(sent);
  }
}
