package io.x402j.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.evm.Abi;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip2612;
import io.x402j.evm.Eip2612Permit;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.Permit2Witness;
import io.x402j.evm.PrivateKeySigner;
import java.math.BigInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * x402j-evm's Permit2 hashing and proxy call data against the real contracts on the devnet (chain
 * 84532, as Base Sepolia): what the clients sign and the facilitators send is what the contracts
 * accept.
 */
class EvmPermit2OnChainIT {
  private static final long CHAIN = 84532;
  private static final BigInteger FAR_FUTURE = BigInteger.valueOf(4_000_000_000L);

  private static Devnet devnet;

  @BeforeAll
  static void start() throws Exception {
    devnet = Devnet.start(DevnetOptions.builder().chainId(CHAIN).build());
  }

  @AfterAll
  static void stop() {
    if (devnet != null) {
      devnet.close();
    }
  }

  private static boolean succeeded(com.fasterxml.jackson.databind.JsonNode receipt) {
    return "0x1".equals(receipt.path("status").asText());
  }

  @Test
  void constantsAndDomainSeparatorAreTheDevnets() {
    DevnetInfo.Permit2Contracts p = devnet.info().permit2().orElseThrow();
    assertThat(Permit2.ADDRESS).isEqualTo(p.permit2Address());
    assertThat(Permit2.EXACT_PROXY).isEqualTo(p.exactProxyAddress());
    assertThat(Permit2.UPTO_PROXY).isEqualTo(p.uptoProxyAddress());
    assertThat(
            Bytes32.of(
                Permit2DevnetIT.call(
                    devnet, Permit2.ADDRESS, Abi.call("DOMAIN_SEPARATOR()").encode())))
        .isEqualTo(Permit2.domainSeparator(CHAIN));
  }

  @Test
  void exactSettleWithAnEip2612PermitNeedsNoPriorApproval() throws Exception {
    DevnetInfo info = devnet.info();
    PrivateKeySigner buyer = info.requireAccount("buyer").signer();
    EvmAddress seller = info.requireAccount("seller").address();
    EvmAddress facilitator = info.requireAccount("facilitator").address();
    BigInteger amount = BigInteger.valueOf(2_500_000);
    BigInteger before = devnet.tokenBalance(seller);

    Permit2Authorization authorization =
        new Permit2Authorization(
            info.token(),
            amount,
            buyer.address(),
            Permit2.EXACT_PROXY,
            BigInteger.valueOf(77),
            FAR_FUTURE,
            Permit2Witness.exact(seller, BigInteger.ZERO));
    Permit2Payload payload =
        new Permit2Payload(Permit2.sign(buyer, CHAIN, authorization).toString(), authorization);
    Bytes32 permitDigest =
        Eip2612.digest(
            Eip2612.domainSeparator(info.tokenName(), info.tokenVersion(), CHAIN, info.token()),
            buyer.address(),
            Permit2.ADDRESS,
            amount,
            BigInteger.ZERO,
            FAR_FUTURE);
    Eip2612Permit permit = new Eip2612Permit(amount, FAR_FUTURE, buyer.sign(permitDigest));

    assertThat(
            succeeded(
                devnet.sendAs(
                    facilitator,
                    Permit2.EXACT_PROXY,
                    Permit2Calls.exactSettleWithPermit(permit, payload))))
        .isTrue();
    assertThat(devnet.tokenBalance(seller)).isEqualTo(before.add(amount));
  }

  @Test
  void uptoSettleOfThePlainTokenChargesTheAmountFromTheWitnessFacilitatorOnly() throws Exception {
    DevnetInfo info = devnet.info();
    EvmAddress plain = EvmAddress.parse(info.plainToken().address());
    PrivateKeySigner buyer = info.requireAccount("buyer").signer();
    EvmAddress seller = info.requireAccount("seller").address();
    EvmAddress facilitator = info.requireAccount("facilitator").address();
    devnet.approvePermit2(buyer.address(), plain);
    BigInteger before = devnet.tokenBalance(plain, seller);

    Permit2Authorization authorization =
        new Permit2Authorization(
            plain,
            BigInteger.valueOf(3_000_000),
            buyer.address(),
            Permit2.UPTO_PROXY,
            BigInteger.valueOf(78),
            FAR_FUTURE,
            Permit2Witness.upto(seller, facilitator, BigInteger.ZERO));
    Permit2Payload payload =
        new Permit2Payload(Permit2.sign(buyer, CHAIN, authorization).toString(), authorization);
    byte[] settle = Permit2Calls.uptoSettle(payload, BigInteger.valueOf(1_000_001));

    assertThat(succeeded(devnet.sendAs(buyer.address(), Permit2.UPTO_PROXY, settle))).isFalse();
    assertThat(
            succeeded(
                devnet.sendAs(
                    facilitator,
                    Permit2.UPTO_PROXY,
                    Permit2Calls.uptoSettle(payload, BigInteger.valueOf(3_000_001)))))
        .as("more than the ceiling")
        .isFalse();
    assertThat(succeeded(devnet.sendAs(facilitator, Permit2.UPTO_PROXY, settle))).isTrue();
    assertThat(devnet.tokenBalance(plain, seller))
        .isEqualTo(before.add(BigInteger.valueOf(1_000_001)));
  }
}
