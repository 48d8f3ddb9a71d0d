package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
                .account("payer-2", BigInteger.ZERO, BigInteger.valueOf(1_000_000))
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
    assertThat(permit2Allowance(owner.address())).isZero();
    long sentBefore = devnet.transactionCount(gas.address());
    int n = 5;
    List<SchemeRequest> payments = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      payments.add(sponsored(owner, permitInfo(owner, PRICE, now() + 600)));
    }
    try (ExactEvmFacilitator facilitator = facilitator()) {
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
