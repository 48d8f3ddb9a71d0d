package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Abi;
import io.x402j.evm.Eip2612;
import io.x402j.evm.Eip2612GasSponsoring;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.Permit2Witness;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.evm.rpc.JsonRpcClient;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
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
  static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  static final SecureRandom RANDOM = new SecureRandom();

  static Devnet devnet;
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
    gas = info.requireAccount("gas").signer();
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  static JsonRpcClient rpc() {
    return JsonRpcClient.builder(info.rpcUrl()).build();
  }

  static ExactEvmFacilitator facilitator() {
    return ExactEvmFacilitator.builder()
        .network(EvmNetworkConfig.builder(info.networkInfo(), rpc()).signer(gas).build())
        .build();
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  static BigInteger permit2Allowance(EvmAddress owner) {
    String answer =
        rpc()
            .call(
                "eth_call",
                io.x402j.evm.Eip3009Calls.callObject(
                    null, info.token(), Permit2Calls.erc20Allowance(owner, Permit2.ADDRESS)),
                "latest")
            .join()
            .asText();
    return Abi.decodeUint(Hex.decode(answer), 0);
  }

  static BigInteger eip2612Nonce(EvmAddress owner) {
    String answer =
        rpc()
            .call(
                "eth_call",
                io.x402j.evm.Eip3009Calls.callObject(
                    null, info.token(), Permit2Calls.eip2612Nonces(owner)),
                "latest")
            .join()
            .asText();
    return Abi.decodeUint(Hex.decode(answer), 0);
  }

  /** The extension info of {@code owner}'s EIP-2612 permit for Permit2 of {@code value}. */
  static Map<String, Object> permitInfo(Signer owner, BigInteger value, long deadline) {
    BigInteger nonce = eip2612Nonce(owner.address());
    String signature =
        owner
            .sign(
                Eip2612.digest(
                    Eip2612.domainSeparator(
                        info.tokenName(), info.tokenVersion(), info.chainId(), info.token()),
                    owner.address(),
                    Permit2.ADDRESS,
                    value,
                    nonce,
                    BigInteger.valueOf(deadline)))
            .toString();
    return new Eip2612GasSponsoring(
            owner.address(),
            info.token(),
            Permit2.ADDRESS,
            value,
            nonce,
            BigInteger.valueOf(deadline),
            signature,
            "1")
        .toMap();
  }

  static SchemeRequest sponsored(Signer owner, Map<String, Object> info2612) {
    Permit2Authorization a =
        new Permit2Authorization(
            info.token(),
            PRICE,
            owner.address(),
            Permit2.EXACT_PROXY,
            new BigInteger(200, RANDOM),
            BigInteger.valueOf(now() + 600),
            Permit2Witness.exact(seller, BigInteger.valueOf(now() - 600)));
    Map<String, Object> payload =
        new Permit2Payload(Permit2.sign(owner, info.chainId(), a).toString(), a).toMap();
    PaymentRequirements required =
        PaymentRequirements.builder()
            .network(info.network())
            .amount(TokenAmount.of(PRICE))
            .asset(info.token().toString())
            .payTo(seller.toString())
            .maxTimeoutSeconds(60)
            .extra("name", info.tokenName())
            .extra("version", info.tokenVersion())
            .extra("assetTransferMethod", "permit2")
            .build();
    Map<String, Object> extensions = new LinkedHashMap<>();
    if (info2612 != null) {
      extensions.put(Eip2612GasSponsoring.KEY, Map.of("info", info2612));
    }
    PaymentPayload paid =
        new PaymentPayload(
            null, required, payload, extensions.isEmpty() ? null : extensions, Map.of());
    return new SchemeRequest(2, paid, required, "sponsor-it-" + UUID.randomUUID());
  }

  @Test
  void aPayerWithoutPermit2AllowanceOrEthPaysWithAnEip2612Permit() {
    assertThat(permit2Allowance(payer.address())).isZero();
    assertThat(devnet.balance(payer.address())).isZero();
    try (ExactEvmFacilitator facilitator = facilitator()) {
      SchemeRequest bare = sponsored(payer, null);
      assertThat(facilitator.verify(bare).join().reason())
          .as("without the extension the allowance is missing")
          .hasValue(ErrorReason.PERMIT2_ALLOWANCE_REQUIRED);

      SchemeRequest request = sponsored(payer, permitInfo(payer, PRICE, now() + 600));
      BigInteger before = devnet.tokenBalance(seller);
      VerifyResponse verdict = facilitator.verify(request).join();
      assertThat(verdict.isValid()).as(verdict.toString()).isTrue();
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(devnet.tokenBalance(seller)).isEqualTo(before.add(PRICE));
      assertThat(devnet.balance(payer.address())).as("the payer spent no gas").isZero();
      // The permit approved exactly the payment, which Permit2 then spent.
      assertThat(permit2Allowance(payer.address())).isZero();
    }
  }

  private static ErrorReason refusal(Consumer<Map<String, Object>> change) {
    Map<String, Object> info2612 = new LinkedHashMap<>(permitInfo(other, PRICE, now() + 600));
    change.accept(info2612);
    try (ExactEvmFacilitator facilitator = facilitator()) {
      SchemeRequest request = sponsored(other, info2612);
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
    Map<String, Object> forged = permitInfo(payer, PRICE, now() + 600);
    assertThat(refusal(i -> i.put("signature", forged.get("signature"))))
        .isEqualTo(ErrorReason.PERMIT2_ALLOWANCE_REQUIRED);
    assertThat(devnet.transactionCount(gas.address())).isEqualTo(sent);
  }
}
